package main

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/eddyio/eddy/codec"
)

// decodeAll decodes every command in input, fed in pieces of step bytes,
// and describes each as its arguments joined by "|", or "error REASON".
func decodeAll(t *testing.T, input string, step int) []string {
	t.Helper()
	var d CommandDecoder
	var got []string
	var buf []byte
	for fed := 0; fed < len(input); {
		n := min(step, len(input)-fed)
		buf = append(buf, input[fed:fed+n]...)
		fed += n
		for {
			src := codec.NewBuffer(buf)
			cmd, ok, err := d.Decode(src)
			buf = append(buf[:0], src.Bytes()...)
			if err != nil {
				var pe *ProtocolError
				if !errors.As(err, &pe) {
					t.Fatalf("Decode error %v is not a *ProtocolError", err)
				}
				return append(got, "error "+pe.Reason)
			}
			if !ok {
				break
			}
			got = append(got, string(bytes.Join(cmd.Args, []byte("|"))))
		}
	}
	if len(buf) > 0 {
		got = append(got, "left "+string(buf))
	}
	return got
}

func TestDecodeCommands(t *testing.T) {
	tests := []struct {
		name, input string
		want        []string
	}{
		{"array", "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n", []string{"SET|k|value"}},
		{"pipelined", "*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", []string{"PING", "GET|k"}},
		{"binary value", "*2\r\n$4\r\nECHO\r\n$4\r\n\r\n\x00\xff\r\n", []string{"ECHO|\r\n\x00\xff"}},
		{"empty bulk", "*2\r\n$3\r\nGET\r\n$0\r\n\r\n", []string{"GET|"}},
		{"empty arrays skipped", "*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n", []string{"PING"}},
		{"inline", "PING\r\nset  k\tv\nGET k\r\n", []string{"PING", "set|k|v", "GET|k"}},
		{"inline empty lines", "\r\n\n  \r\nPING\r\n", []string{"PING"}},
		{"inline quotes", `SET "a b" 'c d'` + "\r\n" + `SET "\x41\n\"" 'it\'s'` + "\r\n", []string{"SET|a b|c d", "SET|A\n\"|it's"}},
		{"partial", "*2\r\n$3\r\nGET\r\n$1\r\n", []string{"left *2\r\n$3\r\nGET\r\n$1\r\n"}},
		{"partial inline", "PIN", []string{"left PIN"}},
		{"bad count", "*x\r\n", []string{"error invalid multibulk length"}},
		{"negative count", "*-2\r\n", []string{"error invalid multibulk length"}},
		{"too many args", "*65537\r\n", []string{"error invalid multibulk length"}},
		{"no dollar", "*1\r\n+PING\r\n", []string{"error expected '$'"}},
		{"bad bulk length", "*1\r\n$-5\r\n", []string{"error invalid bulk length"}},
		{"bulk too long", "*1\r\n$67108865\r\n", []string{"error invalid bulk length"}},
		{"bulk not ended", "*1\r\n$4\r\nPINGxx", []string{"error bulk string not followed by CRLF"}},
		{"count without cr", "*1\n$4\r\nPING\r\n", []string{"error invalid multibulk length"}},
		{"unbalanced quote", "SET \"a\r\n", []string{"error unbalanced quotes in request"}},
		{"quote glued", "SET \"a\"b\r\n", []string{"error unbalanced quotes in request"}},
		{"inline too long", strings.Repeat("a", MaxInlineLength+1), []string{"error too big inline request"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, step := range []int{len(tt.input), 1, 5} {
				got := decodeAll(t, tt.input, step)
				if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tt.want) {
					t.Errorf("fed %d bytes at a time: decoded %q; want %q", step, got, tt.want)
				}
			}
		})
	}
}

// TestDecodeLargeValue: a large value arriving in small pieces is not
// parsed again from the start each time (the decoder remembers how much it
// needs), and decodes whole.
func TestDecodeLargeValue(t *testing.T) {
	value := bytes.Repeat([]byte("v"), 1<<20)
	var in []byte
	in, _ = CommandEncoder{}.Encode(in, &Command{Args: [][]byte{[]byte("SET"), []byte("k"), value}})
	var d CommandDecoder
	var buf []byte
	for i := 0; i < len(in); i += 4096 {
		buf = append(buf, in[i:min(i+4096, len(in))]...)
		src := codec.NewBuffer(buf)
		cmd, ok, err := d.Decode(src)
		if err != nil {
			t.Fatal(err)
		}
		if ok != (i+4096 >= len(in)) {
			t.Fatalf("after %d bytes: ok = %v", i+4096, ok)
		}
		if ok && !bytes.Equal(cmd.Args[2], value) {
			t.Fatalf("value of %d bytes decoded as %d", len(value), len(cmd.Args[2]))
		}
		if d.need <= len(buf) && !ok {
			t.Fatalf("after %d bytes the decoder needs %d", len(buf), d.need)
		}
		buf = append(buf[:0], src.Bytes()...)
	}
}

func TestEncodeReplies(t *testing.T) {
	tests := []struct {
		r    Reply
		want string
	}{
		{Reply{Kind: SimpleString, Str: []byte("OK")}, "+OK\r\n"},
		{Reply{Kind: Error, Str: []byte("ERR x")}, "-ERR x\r\n"},
		{Reply{Kind: Integer, Int: -42}, ":-42\r\n"},
		{Reply{Kind: Bulk, Str: []byte("a\r\nb")}, "$4\r\na\r\nb\r\n"},
		{Reply{Kind: Bulk, Str: nil}, "$0\r\n\r\n"},
		{Reply{Kind: Bulk, Nil: true}, "$-1\r\n"},
		{Reply{Kind: Array, Elems: []Reply{{Kind: Bulk, Str: []byte("v")}, {Kind: Bulk, Nil: true}}}, "*2\r\n$1\r\nv\r\n$-1\r\n"},
		{Reply{Kind: Array}, "*0\r\n"},
	}
	for _, tt := range tests {
		got, err := ReplyEncoder{}.Encode([]byte("p"), &tt.r)
		if err != nil || string(got) != "p"+tt.want {
			t.Errorf("Encode(%+v) = %q, %v; want %q", tt.r, got, err, "p"+tt.want)
		}
	}
	bad := []Reply{{Kind: Error, Str: []byte("a\r\nb")}, {Kind: Array, Elems: []Reply{{Kind: SimpleString, Str: []byte("\n")}}}, {Kind: 9}}
	for _, r := range bad {
		if got, err := (ReplyEncoder{}).Encode([]byte("p"), &r); err == nil || string(got) != "p" {
			t.Errorf("Encode(%+v) = %q, %v; want dst unchanged and an error", r, got, err)
		}
	}
}

// TestCommands answers commands through a session, as the server does.
func TestCommands(t *testing.T) {
	s := &session{store: NewStore()}
	tests := []struct {
		cmd  string // inline
		want string
	}{
		{"PING", "+PONG\r\n"},
		{"ping hello", "$5\r\nhello\r\n"},
		{"PING a b", "-ERR wrong number of arguments for 'ping' command\r\n"},
		{"GET k", "$-1\r\n"},
		{"SET k v", "+OK\r\n"},
		{"get k", "$1\r\nv\r\n"},
		{"SET k v EX 10", "-ERR syntax error\r\n"},
		{"SET k", "-ERR wrong number of arguments for 'set' command\r\n"},
		{"INCR k", "-ERR value is not an integer or out of range\r\n"},
		{"INCR n", ":1\r\n"},
		{"INCR n", ":2\r\n"},
		{"SET big 9223372036854775807", "+OK\r\n"},
		{"INCR big", "-ERR value is not an integer or out of range\r\n"},
		{"SET neg -5", "+OK\r\n"},
		{"INCR neg", ":-4\r\n"},
		{"SET lead 01", "+OK\r\n"},
		{"INCR lead", "-ERR value is not an integer or out of range\r\n"},
		{"MGET k n nope", "*3\r\n$1\r\nv\r\n$1\r\n2\r\n$-1\r\n"},
		{"DEL k nope n", ":2\r\n"},
		{"DEL", "-ERR wrong number of arguments for 'del' command\r\n"},
		{"MGET k", "*1\r\n$-1\r\n"},
		{"FLUSHALL now", "-ERR unknown command 'FLUSHALL'\r\n"},
		{"averyveryverylongname", "-ERR unknown command 'averyveryverylongname'\r\n"},
		{`"a\r\nb"`, "-ERR unknown command 'a  b'\r\n"},
		{"QUIT", "+OK\r\n"},
	}
	var d CommandDecoder
	for _, tt := range tests {
		cmd, ok, err := d.Decode(codec.NewBuffer([]byte(tt.cmd + "\r\n")))
		if !ok || err != nil {
			t.Fatalf("Decode(%q) = %v, %v", tt.cmd, ok, err)
		}
		r, closing := s.serve(cmd)
		got, err := ReplyEncoder{}.Encode(nil, r)
		if err != nil || string(got) != tt.want || closing != (tt.cmd == "QUIT") {
			t.Errorf("%s: %q, %v, closing %v; want %q", tt.cmd, got, err, closing, tt.want)
		}
	}
}

// TestCodecAllocs: decoding a pipelined GET and MGET, answering them and
// encoding the replies allocates nothing once the buffers have grown.
func TestCodecAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's sync.Pool drops pooled buffers on purpose: allocations are counted without -race")
	}
	s := &session{store: NewStore()}
	s.store.Set([]byte("key:1"), []byte("value"))
	in := []byte("*2\r\n$3\r\nGET\r\n$5\r\nkey:1\r\n*3\r\n$4\r\nMGET\r\n$5\r\nkey:1\r\n$5\r\nkey:2\r\nPING\r\n")
	var c respCodec
	out := make([]byte, 0, 4096)
	var buf codec.Buffer
	run := func() {
		buf = *codec.NewBuffer(in)
		out = out[:0]
		for {
			cmd, ok, err := c.Decode(&buf)
			if err != nil || !ok {
				break
			}
			r, _ := s.serve(cmd)
			out, _ = c.Encode(out, r)
		}
	}
	run()
	if want := "$5\r\nvalue\r\n*2\r\n$5\r\nvalue\r\n$-1\r\n+PONG\r\n"; string(out) != want {
		t.Fatalf("replies %q; want %q", out, want)
	}
	if n := testing.AllocsPerRun(1000, run); n != 0 {
		t.Errorf("decode, answer and encode three commands: %v allocations; want 0", n)
	}
}

// FuzzCommandDecoder feeds arbitrary input to the decoder in two pieces:
// it must not panic, must refuse only with a *ProtocolError, must keep no
// more than MaxCommandLength, and every command it decodes must encode (as
// an array of bulk strings) to bytes that decode to the same arguments.
func FuzzCommandDecoder(f *testing.F) {
	f.Add([]byte("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n*1\r\n$4\r\nPING\r\n"), 9)
	f.Add([]byte("PING\r\nSET \"a\\x41\" 'b'\r\n"), 3)
	f.Fuzz(func(t *testing.T, in []byte, cut int) {
		if cut < 0 || cut > len(in) {
			cut = len(in)
		}
		var d CommandDecoder
		buf := append([]byte(nil), in[:cut]...)
		fed := cut
		for range 10000 {
			src := codec.NewBuffer(buf)
			before := src.Len()
			cmd, ok, err := d.Decode(src)
			if src.Len() > before {
				t.Fatalf("buffer grew")
			}
			if cap(d.store) > max(MaxCommandLength, codec.StorageSize) || len(d.spans) > MaxArgs {
				t.Fatalf("decoder keeps %d bytes, %d spans", cap(d.store), len(d.spans))
			}
			if !ok && d.mem.Held() {
				t.Fatalf("decoder holds storage while it waits for a command")
			}
			buf = append(buf[:0], src.Bytes()...)
			if err != nil {
				var pe *ProtocolError
				if !errors.As(err, &pe) {
					t.Fatalf("error %v", err)
				}
				return
			}
			if ok {
				checkRoundTrip(t, cmd)
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

func checkRoundTrip(t *testing.T, cmd *Command) {
	t.Helper()
	b, err := CommandEncoder{}.Encode(nil, cmd)
	if err != nil {
		t.Fatalf("Encode(%q): %v", cmd.Args, err)
	}
	var d CommandDecoder
	src := codec.NewBuffer(b)
	again, ok, err := d.Decode(src)
	if !ok || err != nil || src.Len() != 0 {
		t.Fatalf("re-encoded %q: Decode = %v, %v, %d left", b, ok, err, src.Len())
	}
	if len(again.Args) != len(cmd.Args) {
		t.Fatalf("round trip of %q: %d arguments, want %d", b, len(again.Args), len(cmd.Args))
	}
	for i := range cmd.Args {
		if !bytes.Equal(again.Args[i], cmd.Args[i]) {
			t.Fatalf("round trip of %q: argument %d is %q, want %q", b, i, again.Args[i], cmd.Args[i])
		}
	}
}
