package main

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/eddyio/eddy/codec"
)

// The decoder's bounds.
const (
	// MaxHeaderBytes bounds the request line and the headers, up to and
	// including the empty line that ends them. A request whose head is
	// longer is answered 431 and the connection closed.
	MaxHeaderBytes = 8 << 10
	// MaxBodyBytes bounds a request's Content-Length. A longer body is
	// answered 413 and the connection closed.
	MaxBodyBytes = 1 << 20
	// maxHeaders bounds the number of header lines kept (431 beyond).
	maxHeaders = 64
)

// Request is a decoded HTTP/1.x request. Its slices point into the
// decoder's own storage: they are valid until the next Decode, and the
// decoder reuses them, so a request costs no allocation once the storage
// has grown to the largest request seen.
type Request struct {
	Method []byte
	Target []byte // the request target as sent: path and query
	Minor  int    // HTTP/1.Minor: 0 or 1
	// KeepAlive says whether the connection stays open after the response:
	// HTTP/1.1 unless "Connection: close", HTTP/1.0 only with
	// "Connection: keep-alive".
	KeepAlive bool
	Headers   []Header // in the order received
	Body      []byte   // Content-Length bytes; chunked bodies are refused
}

// Header is one header line of a Request.
type Header struct {
	Name, Value []byte
}

// Path returns the target without its query.
func (r *Request) Path() []byte {
	if i := bytes.IndexByte(r.Target, '?'); i >= 0 {
		return r.Target[:i]
	}
	return r.Target
}

// Header returns the value of the first header named name (compared
// without regard to case), or nil.
func (r *Request) Header(name string) []byte {
	for _, h := range r.Headers {
		if equalFold(h.Name, name) {
			return h.Value
		}
	}
	return nil
}

// StatusError is the decoder's error for a request it refuses: the status
// to answer with (400, 413, 431, 501, 505) and why. The connection is
// closed after the answer.
type StatusError struct {
	Status int
	Reason string
}

// Error says the status and why.
func (e *StatusError) Error() string {
	return "tinyhttp: " + strconv.Itoa(e.Status) + " " + statusText(e.Status) + ": " + e.Reason
}

// The decoder's errors; each is a *StatusError.
var (
	errHeadTooLarge  = &StatusError{431, "request head longer than 8 KiB"}
	errTooManyHeader = &StatusError{431, "more than 64 header lines"}
	errRequestLine   = &StatusError{400, "malformed request line"}
	errVersion       = &StatusError{505, "only HTTP/1.0 and HTTP/1.1 are served"}
	errHeaderLine    = &StatusError{400, "malformed header line"}
	errContentLength = &StatusError{400, "malformed or conflicting Content-Length"}
	errChunked       = &StatusError{400, "Transfer-Encoding request bodies (chunked) are not accepted"}
	errBodyTooLarge  = &StatusError{413, "request body longer than 1 MiB"}
)

// RequestDecoder is a codec.Decoder of HTTP/1.x requests. It copies each
// request's head and body into pooled storage, taken when a request comes
// and given back when the decoder next answers that it needs more input
// (the request was valid until then): decoding allocates nothing in the
// steady state, and a connection between requests holds no storage. Its
// errors are *StatusError; decoding cannot resume after one (the
// connection is to be answered and closed).
type RequestDecoder struct {
	req     Request
	head    []byte // a copy of the current request's head, in headMem
	body    []byte // a copy of its body, in bodyMem
	headMem codec.Storage
	bodyMem codec.Storage
	headEnd int // bytes of head found in an earlier call (0: not yet)
	length  int // its Content-Length
}

// release gives the storage of the last request back; d.req no longer
// refers to it.
func (d *RequestDecoder) release() {
	d.headMem.Release()
	d.bodyMem.Release()
	d.head, d.body = nil, nil
	d.req = Request{Headers: d.req.Headers[:0]}
	if cap(d.req.Headers) > 16 {
		d.req.Headers = nil // grown for one request with many headers
	}
}

var _ codec.Decoder[*Request] = (*RequestDecoder)(nil)
var _ codec.MaxFrameLengther = (*RequestDecoder)(nil)

// MaxFrameLength is the longest request the decoder needs buffered.
func (d *RequestDecoder) MaxFrameLength() int { return MaxHeaderBytes + MaxBodyBytes }

var crlfcrlf = []byte("\r\n\r\n")

// Decode takes one request off the front of src. The request is valid
// until the next call.
func (d *RequestDecoder) Decode(src *codec.Buffer) (*Request, bool, error) {
	in := src.Bytes()
	if d.headEnd == 0 {
		// Skip the empty lines a client may send between requests
		// (RFC 9112, 2.2).
		skip := 0
		for skip+1 < len(in) && in[skip] == '\r' && in[skip+1] == '\n' {
			skip += 2
		}
		if skip > 0 {
			src.Advance(skip)
			in = src.Bytes()
		}
		limit := min(len(in), MaxHeaderBytes)
		i := bytes.Index(in[:limit], crlfcrlf)
		if i < 0 {
			d.release() // the last request is done with
			if len(in) >= MaxHeaderBytes {
				return nil, false, errHeadTooLarge
			}
			return nil, false, nil
		}
		d.headEnd = i + 4
		if err := d.parseHead(in[:d.headEnd]); err != nil {
			d.headEnd = 0
			d.release()
			return nil, false, err
		}
	}
	total := d.headEnd + d.length
	if len(in) < total {
		src.Reserve(total - len(in)) // the body's length is known
		return nil, false, nil
	}
	d.body = append(d.bodyMem.Take(d.length), in[d.headEnd:total]...)
	d.req.Body = d.body
	src.Advance(total)
	d.headEnd = 0
	return &d.req, true, nil
}

// parseHead parses the request line and headers of head (which ends with
// the empty line) into d.req, after copying head into d.head, and the
// Content-Length into d.length.
func (d *RequestDecoder) parseHead(head []byte) error {
	d.head = append(d.headMem.Take(len(head)), head...)
	b := d.head
	r := &d.req
	r.Headers = r.Headers[:0]
	// Request line: method SP target SP HTTP/1.x CRLF.
	eol := bytes.Index(b, crlf)
	line := b[:eol]
	b = b[eol+2:]
	sp := bytes.IndexByte(line, ' ')
	if sp <= 0 || !isToken(line[:sp]) {
		return errRequestLine
	}
	r.Method = line[:sp]
	line = line[sp+1:]
	sp = bytes.IndexByte(line, ' ')
	if sp <= 0 {
		return errRequestLine
	}
	r.Target = line[:sp]
	for _, c := range r.Target {
		if c <= ' ' || c == 0x7f {
			return errRequestLine
		}
	}
	switch v := line[sp+1:]; {
	case string(v) == "HTTP/1.1":
		r.Minor = 1
	case string(v) == "HTTP/1.0":
		r.Minor = 0
	case len(v) == 8 && string(v[:5]) == "HTTP/" && v[6] == '.' && isDigit(v[5]) && isDigit(v[7]):
		return errVersion
	default:
		return errRequestLine
	}
	r.KeepAlive = r.Minor == 1
	cl := -1
	for len(b) > 2 { // the last line is the empty one
		eol := bytes.Index(b, crlf)
		line := b[:eol]
		b = b[eol+2:]
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 || !isToken(line[:colon]) {
			return errHeaderLine // also obsolete line folding
		}
		name, value := line[:colon], trimOWS(line[colon+1:])
		for _, c := range value {
			if c < ' ' && c != '\t' || c == 0x7f {
				return errHeaderLine
			}
		}
		if len(r.Headers) == maxHeaders {
			return errTooManyHeader
		}
		r.Headers = append(r.Headers, Header{Name: name, Value: value})
		switch {
		case equalFold(name, "Content-Length"):
			n, ok := parseLength(value)
			if !ok || cl >= 0 && n != cl {
				return errContentLength
			}
			cl = n
		case equalFold(name, "Transfer-Encoding"):
			return errChunked
		case equalFold(name, "Connection"):
			forTokens(value, func(tok []byte) {
				if equalFold(tok, "close") {
					r.KeepAlive = false
				} else if equalFold(tok, "keep-alive") && r.Minor == 0 {
					r.KeepAlive = true
				}
			})
		}
	}
	if cl > MaxBodyBytes {
		return errBodyTooLarge
	}
	d.length = max(cl, 0)
	return nil
}

var crlf = []byte("\r\n")

// parseLength parses a Content-Length value: decimal digits only.
func parseLength(v []byte) (int, bool) {
	if len(v) == 0 || len(v) > 10 {
		return 0, false
	}
	n := 0
	for _, c := range v {
		if !isDigit(c) {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// forTokens calls fn with each comma-separated element of a list header,
// without its surrounding white space.
func forTokens(v []byte, fn func([]byte)) {
	for len(v) > 0 {
		i := bytes.IndexByte(v, ',')
		if i < 0 {
			i = len(v)
		}
		if tok := trimOWS(v[:i]); len(tok) > 0 {
			fn(tok)
		}
		if i == len(v) {
			return
		}
		v = v[i+1:]
	}
}

func trimOWS(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// isToken reports whether b is a non-empty RFC 9110 token.
func isToken(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

// equalFold compares b and the ASCII string s without regard to case, and
// without converting either.
func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		x, y := b[i], s[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// Response is what a handler answers: the encoder adds the status line,
// Server, Date, Content-Type, Content-Length and, when the connection is to
// close, "Connection: close".
type Response struct {
	Status      int
	ContentType string
	Body        []byte
	// Close closes the connection after this response.
	Close bool
	// Head leaves the body out (the answer to a HEAD request); the
	// Content-Length is still the body's.
	Head bool
	// KeepAlive10 answers "Connection: keep-alive" to an HTTP/1.0 client
	// that asked for it.
	KeepAlive10 bool
}

// ResponseEncoder is a codec.Encoder of responses. Its Date header is
// formatted at most once per second and kept.
type ResponseEncoder struct {
	now  func() time.Time // time.Now; tests set a fixed clock
	sec  int64            // the second date was formatted for
	date []byte           // "Date: ...\r\n"
}

var _ codec.Encoder[*Response] = (*ResponseEncoder)(nil)

// ServerName is the value of the Server header.
const ServerName = "eddy"

// Encode appends resp's bytes to dst.
func (e *ResponseEncoder) Encode(dst []byte, resp *Response) ([]byte, error) {
	text := statusText(resp.Status)
	if text == "" || resp.Status < 100 || resp.Status > 999 {
		return dst, errors.New("tinyhttp: unknown status " + strconv.Itoa(resp.Status))
	}
	dst = append(dst, "HTTP/1.1 "...)
	dst = strconv.AppendInt(dst, int64(resp.Status), 10)
	dst = append(dst, ' ')
	dst = append(dst, text...)
	dst = append(dst, "\r\nServer: "+ServerName+"\r\n"...)
	dst = append(dst, e.dateLine()...)
	if resp.ContentType != "" {
		dst = append(dst, "Content-Type: "...)
		dst = append(dst, resp.ContentType...)
		dst = append(dst, "\r\n"...)
	}
	dst = append(dst, "Content-Length: "...)
	dst = strconv.AppendInt(dst, int64(len(resp.Body)), 10)
	switch {
	case resp.Close:
		dst = append(dst, "\r\nConnection: close"...)
	case resp.KeepAlive10:
		dst = append(dst, "\r\nConnection: keep-alive"...)
	}
	dst = append(dst, "\r\n\r\n"...)
	if resp.Head {
		return dst, nil
	}
	return append(dst, resp.Body...), nil
}

// dateLine returns the Date header line for the current second.
func (e *ResponseEncoder) dateLine() []byte {
	now := time.Now
	if e.now != nil {
		now = e.now
	}
	t := now()
	if s := t.Unix(); s != e.sec || e.date == nil {
		e.sec = s
		e.date = append(e.date[:0], "Date: "...)
		e.date = t.UTC().AppendFormat(e.date, "Mon, 02 Jan 2006 15:04:05 GMT")
		e.date = append(e.date, "\r\n"...)
	}
	return e.date
}

func statusText(code int) string {
	switch code {
	case 200:
		return "OK"
	case 400:
		return "Bad Request"
	case 404:
		return "Not Found"
	case 413:
		return "Content Too Large"
	case 431:
		return "Request Header Fields Too Large"
	case 501:
		return "Not Implemented"
	case 505:
		return "HTTP Version Not Supported"
	}
	return ""
}
