package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/eddyio/eddy/codec"
)

// decodeAll decodes every request in input, fed to the decoder in pieces
// of step bytes (as reads would bring them), and describes each as
// "METHOD TARGET minor keepalive body", or "error STATUS" for a refusal.
func decodeAll(t *testing.T, input string, step int) []string {
	t.Helper()
	var d RequestDecoder
	var got []string
	var buf []byte
	for fed := 0; fed < len(input); {
		n := min(step, len(input)-fed)
		buf = append(buf, input[fed:fed+n]...)
		fed += n
		for {
			src := codec.NewBuffer(buf)
			req, ok, err := d.Decode(src)
			buf = append(buf[:0], src.Bytes()...)
			if err != nil {
				var se *StatusError
				if !errors.As(err, &se) {
					t.Fatalf("Decode error %v is not a *StatusError", err)
				}
				return append(got, "error "+itoa(se.Status))
			}
			if !ok {
				break
			}
			ka := "close"
			if req.KeepAlive {
				ka = "keep-alive"
			}
			got = append(got, string(req.Method)+" "+string(req.Target)+" 1."+itoa(req.Minor)+" "+ka+" "+string(req.Body))
		}
	}
	if len(buf) > 0 {
		got = append(got, "left "+string(buf))
	}
	return got
}

func itoa(n int) string { return string(appendInt(nil, n)) }

func appendInt(b []byte, n int) []byte {
	if n >= 10 {
		b = appendInt(b, n/10)
	}
	return append(b, byte('0'+n%10))
}

func TestDecodeRequests(t *testing.T) {
	tests := []struct {
		name, input string
		want        []string
	}{
		{"get", "GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n", []string{"GET /plaintext 1.1 keep-alive "}},
		{"pipelined", "GET /a HTTP/1.1\r\n\r\nGET /b?q=1 HTTP/1.1\r\nHost: x\r\n\r\n",
			[]string{"GET /a 1.1 keep-alive ", "GET /b?q=1 1.1 keep-alive "}},
		{"close", "GET / HTTP/1.1\r\nConnection: Close\r\n\r\n", []string{"GET / 1.1 close "}},
		{"close in a list", "GET / HTTP/1.1\r\nConnection: foo, close\r\n\r\n", []string{"GET / 1.1 close "}},
		{"1.0", "GET / HTTP/1.0\r\n\r\n", []string{"GET / 1.0 close "}},
		{"1.0 keep-alive", "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", []string{"GET / 1.0 keep-alive "}},
		{"body", "POST /p HTTP/1.1\r\nContent-Length: 5\r\n\r\nhelloGET / HTTP/1.1\r\n\r\n",
			[]string{"POST /p 1.1 keep-alive hello", "GET / 1.1 keep-alive "}},
		{"same length twice", "POST / HTTP/1.1\r\nContent-Length: 2\r\ncontent-length: 2\r\n\r\nab", []string{"POST / 1.1 keep-alive ab"}},
		{"empty lines between", "GET /a HTTP/1.1\r\n\r\n\r\n\r\nGET /b HTTP/1.1\r\n\r\n",
			[]string{"GET /a 1.1 keep-alive ", "GET /b 1.1 keep-alive "}},
		{"partial", "GET / HTTP/1.1\r\nHost:", []string{"left GET / HTTP/1.1\r\nHost:"}},
		{"chunked", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", []string{"error 400"}},
		{"conflicting lengths", "POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc", []string{"error 400"}},
		{"bad length", "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", []string{"error 400"}},
		{"body too large", "POST / HTTP/1.1\r\nContent-Length: 1048577\r\n\r\n", []string{"error 413"}},
		{"no version", "GET /\r\n\r\n", []string{"error 400"}},
		{"http/2", "GET / HTTP/2.0\r\n\r\n", []string{"error 505"}},
		{"space in name", "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n", []string{"error 400"}},
		{"folding", "GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n", []string{"error 400"}},
		{"control in target", "GET /\x01 HTTP/1.1\r\n\r\n", []string{"error 400"}},
		{"head too large", "GET / HTTP/1.1\r\nX: " + strings.Repeat("a", MaxHeaderBytes) + "\r\n\r\n", []string{"error 431"}},
		{"too many headers", "GET / HTTP/1.1\r\n" + strings.Repeat("A: b\r\n", maxHeaders+1) + "\r\n", []string{"error 431"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, step := range []int{len(tt.input), 1, 7} {
				got := decodeAll(t, tt.input, step)
				if strings.Join(got, "|") != strings.Join(tt.want, "|") {
					t.Errorf("fed %d bytes at a time: decoded %q; want %q", step, got, tt.want)
				}
			}
		})
	}
}

// TestDecodeHeaders: headers are kept in order, their values without the
// white space around them, and found by name without regard to case.
func TestDecodeHeaders(t *testing.T) {
	var d RequestDecoder
	req, ok, err := d.Decode(codec.NewBuffer([]byte("GET /x?y HTTP/1.1\r\nHost:  example.com \r\nX-A:\t1\r\n\r\n")))
	if !ok || err != nil {
		t.Fatalf("Decode = %v, %v", ok, err)
	}
	if got := string(req.Header("host")); got != "example.com" {
		t.Errorf(`Header("host") = %q`, got)
	}
	if got := string(req.Header("X-a")); got != "1" {
		t.Errorf(`Header("X-a") = %q`, got)
	}
	if req.Header("Missing") != nil {
		t.Errorf(`Header("Missing") is not nil`)
	}
	if got := string(req.Path()); got != "/x" {
		t.Errorf("Path() = %q; want /x", got)
	}
	if len(req.Headers) != 2 || string(req.Headers[0].Name) != "Host" || string(req.Headers[1].Name) != "X-A" {
		t.Errorf("Headers = %q", req.Headers)
	}
}

// TestDecodeCopies: a request does not refer to the decoder's input, which
// the framed transport reuses.
func TestDecodeCopies(t *testing.T) {
	var d RequestDecoder
	in := []byte("POST /p HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc")
	req, ok, err := d.Decode(codec.NewBuffer(in))
	if !ok || err != nil {
		t.Fatalf("Decode = %v, %v", ok, err)
	}
	for i := range in {
		in[i] = 'X'
	}
	if string(req.Method) != "POST" || string(req.Target) != "/p" || string(req.Body) != "abc" {
		t.Errorf("after the input was overwritten: %q %q %q", req.Method, req.Target, req.Body)
	}
}

var fixedClock = func() time.Time { return time.Date(2026, 12, 2, 18, 30, 5, 0, time.UTC) }

func TestEncodeResponse(t *testing.T) {
	e := ResponseEncoder{now: fixedClock}
	tests := []struct {
		resp Response
		want string
	}{
		{Response{Status: 200, ContentType: "text/plain", Body: []byte("Hello, World!")},
			"HTTP/1.1 200 OK\r\nServer: eddy\r\nDate: Wed, 02 Dec 2026 18:30:05 GMT\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, World!"},
		{Response{Status: 404, Body: []byte("no"), Close: true},
			"HTTP/1.1 404 Not Found\r\nServer: eddy\r\nDate: Wed, 02 Dec 2026 18:30:05 GMT\r\nContent-Length: 2\r\nConnection: close\r\n\r\nno"},
		{Response{Status: 200, Body: []byte("x"), KeepAlive10: true, Head: true},
			"HTTP/1.1 200 OK\r\nServer: eddy\r\nDate: Wed, 02 Dec 2026 18:30:05 GMT\r\nContent-Length: 1\r\nConnection: keep-alive\r\n\r\n"},
	}
	for _, tt := range tests {
		got, err := e.Encode([]byte("prefix"), &tt.resp)
		if err != nil || string(got) != "prefix"+tt.want {
			t.Errorf("Encode(%+v) = %q, %v; want %q", tt.resp, got, err, "prefix"+tt.want)
		}
	}
	if got, err := e.Encode([]byte("p"), &Response{Status: 299}); err == nil || string(got) != "p" {
		t.Errorf("Encode of status 299 = %q, %v; want dst unchanged and an error", got, err)
	}
}

// TestDateChangesEachSecond: the cached Date line follows the clock.
func TestDateChangesEachSecond(t *testing.T) {
	now := fixedClock()
	e := ResponseEncoder{now: func() time.Time { return now }}
	a, _ := e.Encode(nil, &Response{Status: 200})
	now = now.Add(time.Second)
	b, _ := e.Encode(nil, &Response{Status: 200})
	if !bytes.Contains(a, []byte("18:30:05 GMT")) || !bytes.Contains(b, []byte("18:30:06 GMT")) {
		t.Errorf("dates: %q then %q", a, b)
	}
}

func TestAppendJSON(t *testing.T) {
	got := string(appendMessageJSON(nil, "a\"b\\c\n"))
	if want := `{"message":"a\"b\\c\u000a"}`; got != want {
		t.Errorf("appendMessageJSON = %s; want %s", got, want)
	}
}

// TestCodecAllocs: decoding a pipelined pair of requests, answering and
// encoding them allocates nothing once the decoder's storage has grown.
func TestCodecAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's sync.Pool drops pooled buffers on purpose: allocations are counted without -race")
	}
	in := []byte("GET /plaintext HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\n\r\n" +
		"GET /json HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n")
	var c httpCodec
	var h handler
	out := make([]byte, 0, 4096)
	var buf codec.Buffer
	run := func() {
		buf = *codec.NewBuffer(in)
		out = out[:0]
		for {
			req, ok, err := c.Decode(&buf)
			if err != nil || !ok {
				break
			}
			resp, _ := h.serve(req)
			out, _ = c.Encode(out, resp)
		}
	}
	run()
	if !bytes.Contains(out, []byte(`{"message":"Hello, World!"}`)) || bytes.Count(out, []byte("HTTP/1.1 200 OK")) != 2 {
		t.Fatalf("responses: %q", out)
	}
	if n := testing.AllocsPerRun(1000, run); n != 0 {
		t.Errorf("decode, handle and encode two requests: %v allocations; want 0", n)
	}
}

// FuzzRequestDecoder feeds arbitrary input to the decoder in two pieces:
// it must not panic, must refuse only with a *StatusError, must never take
// more than a request's bytes or keep a head longer than MaxHeaderBytes,
// and a request it decodes must encode back (method, target, version,
// headers, body) to bytes that decode to the same request.
func FuzzRequestDecoder(f *testing.F) {
	f.Add([]byte("GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n"), 5)
	f.Add([]byte("POST /p HTTP/1.0\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\nabcGET / HTTP/1.1\r\n\r\n"), 40)
	f.Fuzz(func(t *testing.T, in []byte, cut int) {
		if cut < 0 || cut > len(in) {
			cut = len(in)
		}
		var d RequestDecoder
		buf := append([]byte(nil), in[:cut]...)
		fed := cut
		for range 1000 {
			src := codec.NewBuffer(buf)
			before := src.Len()
			req, ok, err := d.Decode(src)
			if src.Len() > before {
				t.Fatalf("buffer grew")
			}
			if cap(d.head) > max(MaxHeaderBytes, codec.StorageSize) || cap(d.body) > max(MaxBodyBytes, codec.StorageSize) {
				t.Fatalf("decoder keeps %d bytes of head, %d of body", cap(d.head), cap(d.body))
			}
			if !ok && err == nil && d.headEnd == 0 && (d.headMem.Held() || d.bodyMem.Held()) {
				t.Fatalf("decoder holds storage while it waits for a request")
			}
			buf = append(buf[:0], src.Bytes()...)
			if err != nil {
				var se *StatusError
				if !errors.As(err, &se) || statusText(se.Status) == "" {
					t.Fatalf("error %v", err)
				}
				return
			}
			if ok {
				checkRoundTrip(t, req)
				continue
			}
			if fed == len(in) {
				return
			}
			buf = append(buf, in[fed:]...)
			fed = len(in)
		}
	})
}

// checkRoundTrip writes req back out and decodes it again.
func checkRoundTrip(t *testing.T, req *Request) {
	t.Helper()
	var b []byte
	b = append(b, req.Method...)
	b = append(b, ' ')
	b = append(b, req.Target...)
	b = append(b, " HTTP/1."...)
	b = appendInt(b, req.Minor)
	b = append(b, "\r\n"...)
	for _, h := range req.Headers {
		b = append(b, h.Name...)
		b = append(b, ": "...)
		b = append(b, h.Value...)
		b = append(b, "\r\n"...)
	}
	b = append(b, "\r\n"...)
	b = append(b, req.Body...)
	var d RequestDecoder
	src := codec.NewBuffer(b)
	again, ok, err := d.Decode(src)
	if !ok || err != nil || src.Len() != 0 {
		t.Fatalf("re-encoded %q: Decode = %v, %v, %d left", b, ok, err, src.Len())
	}
	if !bytes.Equal(again.Method, req.Method) || !bytes.Equal(again.Target, req.Target) || again.Minor != req.Minor ||
		again.KeepAlive != req.KeepAlive || !bytes.Equal(again.Body, req.Body) || len(again.Headers) != len(req.Headers) {
		t.Fatalf("round trip of %q changed the request", b)
	}
}
