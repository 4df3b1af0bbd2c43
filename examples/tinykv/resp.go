package main

import (
	"bytes"
	"errors"
	"strconv"

	"github.com/eddyio/eddy/codec"
)

// The decoder's bounds. Redis allows bulk strings of 512 MiB; tinykv keeps
// a whole command in memory before it answers, so it allows less.
const (
	// MaxBulkLength is the longest bulk string (key or value) accepted.
	MaxBulkLength = 64 << 20
	// MaxArgs is the most elements a command array may have.
	MaxArgs = 1 << 16
	// MaxInlineLength is the longest inline command line (Redis's own
	// limit for inline commands).
	MaxInlineLength = 64 << 10
	// MaxCommandLength bounds a whole command's encoding, so that the
	// decoder never needs more buffered than this.
	MaxCommandLength = MaxBulkLength + 1<<20
)

// ProtocolError is the decoder's error for malformed input. The server
// answers it as Redis does ("-ERR Protocol error: ...") and closes the
// connection: RESP cannot resynchronise after it.
type ProtocolError struct{ Reason string }

// Error says why, as Redis words it.
func (e *ProtocolError) Error() string { return "tinykv: Protocol error: " + e.Reason }

var (
	errMultibulkLength = &ProtocolError{"invalid multibulk length"}
	errBulkLength      = &ProtocolError{"invalid bulk length"}
	errExpectedDollar  = &ProtocolError{"expected '$'"}
	errBulkEnd         = &ProtocolError{"bulk string not followed by CRLF"}
	errInlineTooLong   = &ProtocolError{"too big inline request"}
	errCommandTooLong  = &ProtocolError{"command longer than 65 MiB"}
	errUnbalancedQuote = &ProtocolError{"unbalanced quotes in request"}
)

// Command is a decoded command: its arguments, the name first. The slices
// point into the decoder's own storage, valid until the next Decode.
type Command struct {
	Args [][]byte
}

// CommandDecoder is a codec.Decoder of RESP2 commands as clients send them:
// an array of bulk strings (redis-cli, redis-benchmark, client libraries),
// or an inline command, a line of words (telnet, nc, redis-benchmark's
// PING_INLINE). Each command is copied into pooled storage, taken when a
// command comes and given back when the decoder next answers that it needs
// more input (the command was valid until then): decoding allocates
// nothing in the steady state, and a connection between commands holds no
// storage. Its errors are *ProtocolError, after which decoding cannot go
// on.
type CommandDecoder struct {
	cmd   Command
	store []byte // the current command, in mem
	mem   codec.Storage
	spans []span // where each argument is in store
	// need is the length of input below which a command already looked at
	// cannot be whole, so that a large value arriving piece by piece is not
	// parsed again from the start on every read.
	need int
}

type span struct{ off, end int }

var _ codec.Decoder[*Command] = (*CommandDecoder)(nil)
var _ codec.MaxFrameLengther = (*CommandDecoder)(nil)

// release gives the storage of the last command back; d.cmd no longer
// refers to it.
func (d *CommandDecoder) release() {
	d.mem.Release()
	d.store = nil
	clear(d.cmd.Args)
	d.cmd.Args, d.spans = d.cmd.Args[:0], d.spans[:0]
	if cap(d.cmd.Args) > 64 {
		d.cmd.Args, d.spans = nil, nil // grown for one long command
	}
}

// MaxFrameLength is the longest command the decoder needs buffered.
func (d *CommandDecoder) MaxFrameLength() int { return MaxCommandLength }

// Decode takes one command off the front of src. An empty inline line is
// skipped, as Redis skips it.
func (d *CommandDecoder) Decode(src *codec.Buffer) (*Command, bool, error) {
	for {
		in := src.Bytes()
		if len(in) == 0 || len(in) < d.need {
			d.release() // the last command is done with
			return nil, false, nil
		}
		var n int
		var err error
		if in[0] == '*' {
			n, err = d.parseArray(src, in)
			if n > 0 {
				d.store = append(d.mem.Take(n), in[:n]...)
			}
		} else {
			n, err = d.parseInline(in) // the words are in store already
		}
		if err != nil || n == 0 {
			d.release()
			return nil, false, err
		}
		d.need = 0
		src.Advance(n)
		if len(d.spans) == 0 {
			continue // an empty line, or "*0\r\n": nothing to answer
		}
		d.cmd.Args = d.cmd.Args[:0]
		for _, s := range d.spans {
			d.cmd.Args = append(d.cmd.Args, d.store[s.off:s.end:s.end])
		}
		return &d.cmd, true, nil
	}
}

// parseArray parses "*N\r\n" and N bulk strings, recording their spans,
// and returns the command's length, or 0 when more input is needed.
func (d *CommandDecoder) parseArray(src *codec.Buffer, in []byte) (int, error) {
	n, pos, ok, err := parseCount(in, 1, MaxArgs, errMultibulkLength)
	if !ok || err != nil {
		return 0, err
	}
	d.spans = d.spans[:0]
	for range n {
		if pos == len(in) {
			d.need = pos + 1
			return 0, nil
		}
		if in[pos] != '$' {
			return 0, errExpectedDollar
		}
		size, at, ok, err := parseCount(in, pos+1, MaxBulkLength, errBulkLength)
		if err != nil {
			return 0, err
		}
		if !ok {
			return 0, nil
		}
		end := at + size + 2
		if end > MaxCommandLength {
			return 0, errCommandTooLong
		}
		if end > len(in) {
			d.need = end
			src.Reserve(end - len(in))
			return 0, nil
		}
		if in[end-2] != '\r' || in[end-1] != '\n' {
			return 0, errBulkEnd
		}
		d.spans = append(d.spans, span{at, at + size})
		pos = end
	}
	return pos, nil
}

// parseCount parses the decimal after a type byte, at in[at:], up to its
// CRLF: a count from 0 to max (-1 is taken as 0, as Redis takes a null
// array or bulk). It answers the count and where the next element starts,
// and ok false when the line is not whole yet.
func parseCount(in []byte, at, max int, bad error) (n, next int, ok bool, err error) {
	eol := bytes.IndexByte(in[at:], '\n')
	if eol < 0 {
		if len(in)-at > 20 { // no count is that long
			return 0, 0, false, bad
		}
		return 0, 0, false, nil
	}
	line := in[at : at+eol]
	if len(line) == 0 || line[len(line)-1] != '\r' {
		return 0, 0, false, bad
	}
	line = line[:len(line)-1]
	if string(line) == "-1" {
		return 0, at + eol + 1, true, nil
	}
	if len(line) == 0 || len(line) > 19 {
		return 0, 0, false, bad
	}
	for _, c := range line {
		if c < '0' || c > '9' {
			return 0, 0, false, bad
		}
		n = n*10 + int(c-'0')
		if n > max {
			return 0, 0, false, bad
		}
	}
	return n, at + eol + 1, true, nil
}

// parseInline parses one line of words separated by spaces or tabs, with
// Redis's quoting ("..." with backslash escapes, '...'), recording each
// word's span in a copy of the line made once the line is whole.
func (d *CommandDecoder) parseInline(in []byte) (int, error) {
	eol := bytes.IndexByte(in, '\n')
	if eol < 0 {
		if len(in) > MaxInlineLength {
			return 0, errInlineTooLong
		}
		d.need = len(in) + 1
		return 0, nil
	}
	if eol > MaxInlineLength {
		return 0, errInlineTooLong
	}
	line := in[:eol]
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	// The words are split, and quoted ones unescaped, in a copy of the
	// line, which the spans index.
	d.store = append(d.mem.Take(len(line)), line...)
	d.spans = d.spans[:0]
	b := d.store
	i := 0
	for {
		for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
			i++
		}
		if i == len(b) {
			break
		}
		if len(d.spans) == MaxArgs {
			return 0, errMultibulkLength
		}
		start := i
		switch b[i] {
		case '"', '\'':
			end, next, err := unquote(b, i)
			if err != nil {
				return 0, err
			}
			d.spans = append(d.spans, span{start, end})
			i = next
		default:
			for i < len(b) && b[i] != ' ' && b[i] != '\t' {
				i++
			}
			d.spans = append(d.spans, span{start, i})
		}
	}
	return eol + 1, nil
}

// unquote unescapes the quoted word starting at b[i] in place: the word is
// b[i:end] after it, and the next word may start at next.
func unquote(b []byte, i int) (end, next int, err error) {
	q := b[i]
	w := i
	for r := i + 1; r < len(b); r++ {
		c := b[r]
		switch {
		case c == q:
			if r+1 < len(b) && b[r+1] != ' ' && b[r+1] != '\t' {
				return 0, 0, errUnbalancedQuote // a closing quote must end the word
			}
			return w, r + 1, nil
		case c == '\\' && r+1 < len(b):
			r++
			c = b[r]
			if q == '"' {
				switch c {
				case 'n':
					c = '\n'
				case 'r':
					c = '\r'
				case 't':
					c = '\t'
				case 'b':
					c = '\b'
				case 'a':
					c = '\a'
				case 'x':
					if r+2 < len(b) && isHex(b[r+1]) && isHex(b[r+2]) {
						c = unhex(b[r+1])<<4 | unhex(b[r+2])
						r += 2
					}
				}
			} else if c != '\'' {
				b[w] = '\\'
				w++
			}
		}
		b[w] = c
		w++
	}
	return 0, 0, errUnbalancedQuote
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// CommandEncoder is a codec.Encoder of commands as a client sends them: an
// array of bulk strings. The server does not use it; the tests and the fuzz
// target encode with it and decode what it wrote.
type CommandEncoder struct{}

// Encode appends cmd as a RESP array of bulk strings.
func (CommandEncoder) Encode(dst []byte, cmd *Command) ([]byte, error) {
	if len(cmd.Args) == 0 || len(cmd.Args) > MaxArgs {
		return dst, errors.New("tinykv: a command has 1 to 65536 arguments")
	}
	dst = append(dst, '*')
	dst = strconv.AppendInt(dst, int64(len(cmd.Args)), 10)
	dst = append(dst, "\r\n"...)
	for _, a := range cmd.Args {
		dst = appendBulk(dst, a)
	}
	return dst, nil
}

func appendBulk(dst, b []byte) []byte {
	dst = append(dst, '$')
	dst = strconv.AppendInt(dst, int64(len(b)), 10)
	dst = append(dst, "\r\n"...)
	dst = append(dst, b...)
	return append(dst, "\r\n"...)
}

// Kind is the RESP2 type of a Reply.
type Kind uint8

// The kinds of reply.
const (
	SimpleString Kind = iota // +OK
	Error                    // -ERR ...
	Integer                  // :1
	Bulk                     // $3\r\nfoo, or $-1 when Nil
	Array                    // *2 followed by Elems
)

// Reply is one reply of the server.
type Reply struct {
	Kind  Kind
	Str   []byte // SimpleString, Error (without CR or LF), Bulk
	Nil   bool   // a null bulk string ($-1)
	Int   int64
	Elems []Reply
}

// ReplyEncoder is a codec.Encoder of replies.
type ReplyEncoder struct{}

var _ codec.Encoder[*Reply] = ReplyEncoder{}

// Encode appends r in RESP2.
func (ReplyEncoder) Encode(dst []byte, r *Reply) ([]byte, error) {
	switch r.Kind {
	case SimpleString, Error:
		if bytes.ContainsAny(r.Str, "\r\n") {
			return dst, errors.New("tinykv: a simple string or error holds CR or LF")
		}
		c := byte('+')
		if r.Kind == Error {
			c = '-'
		}
		dst = append(dst, c)
		dst = append(dst, r.Str...)
		return append(dst, "\r\n"...), nil
	case Integer:
		dst = append(dst, ':')
		dst = strconv.AppendInt(dst, r.Int, 10)
		return append(dst, "\r\n"...), nil
	case Bulk:
		if r.Nil {
			return append(dst, "$-1\r\n"...), nil
		}
		return appendBulk(dst, r.Str), nil
	case Array:
		start := len(dst)
		dst = append(dst, '*')
		dst = strconv.AppendInt(dst, int64(len(r.Elems)), 10)
		dst = append(dst, "\r\n"...)
		for i := range r.Elems {
			var err error
			if dst, err = (ReplyEncoder{}).Encode(dst, &r.Elems[i]); err != nil {
				return dst[:start], err
			}
		}
		return dst, nil
	}
	return dst, errors.New("tinykv: unknown reply kind")
}
