package codec_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/codec"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/taskctx"
	"github.com/eddyio/eddy/internal/testkit"
)

// The fuzz targets feed each decoder arbitrary input through a FramedRead,
// in reads of an arbitrary size with pending answers between them, and
// check: no panic, the read buffer never beyond the decoder's maximum plus
// one read, the frames and errors those of a simple reference decoder of
// the whole input, and encoding then decoding gives the frames back. Their
// seed corpora are in testdata/fuzz; `go test` runs them.

// chunked returns a script that gives data in reads of 1 to 32 bytes
// (their sizes drawn from seed), each followed by a pending answer when
// the seed's bit says so.
func chunked(data []byte, seed uint8) *testkit.ScriptIO {
	r := &testkit.ScriptIO{}
	size := int(seed%32) + 1
	for i, k := 0, 0; i < len(data); k++ {
		n := min(size+k%3, len(data)-i)
		r.Reads = append(r.Reads, testkit.IOStep{Data: string(data[i : i+n])})
		if seed&(1<<(k%8)) != 0 {
			r.Reads = append(r.Reads, testkit.IOStep{Pending: true})
		}
		i += n
	}
	return r
}

// fuzzDrain polls a framed stream to its end and describes each item:
// "frame" items by show, errors by kind. It fails if the read buffer grows
// beyond limit.
func fuzzDrain[T any](t *testing.T, s *codec.FramedRead[T], limit int, show func(T) string, kind func(error) string) []string {
	t.Helper()
	cx := future.NewContext(nil, nil)
	var got []string
	for range 1 << 20 {
		taskctx.BeginPoll(cx)
		p := s.PollNext(cx)
		if c := codec.ReadBufferCap(s); c > limit {
			t.Fatalf("the read buffer grew to %d bytes; the limit is %d", c, limit)
		}
		switch {
		case p.IsEnd():
			return got
		case p.IsItem() && p.Err() != nil:
			got = append(got, kind(p.Err()))
		case p.IsItem():
			got = append(got, show(p.Value()))
		}
	}
	t.Fatal("the framed stream did not end")
	return nil
}

func errKind(err error) string {
	var te *codec.TrailingBytesError
	var fe *codec.FrameLengthError
	switch {
	case errors.As(err, &te):
		return fmt.Sprintf("trailing %d", te.N)
	case errors.As(err, &fe):
		return "too long"
	}
	return "err " + err.Error()
}

// refLines is the reference line splitter: split at "\n", drop one "\r"
// at the end of each line, a line over max is an error, and the last line
// counts if it is not empty.
func refLines(data []byte, max int) []string {
	var out []string
	segs := strings.Split(string(data), "\n")
	if segs[len(segs)-1] == "" {
		segs = segs[:len(segs)-1]
	}
	for _, s := range segs {
		s = strings.TrimSuffix(s, "\r")
		if len(s) > max {
			out = append(out, "err "+codec.ErrLineTooLong.Error())
		} else {
			out = append(out, "line "+s)
		}
	}
	return out
}

func FuzzLines(f *testing.F) {
	f.Add([]byte("hello\r\nworld\n\nlast"), uint8(3), uint8(4))
	f.Fuzz(func(t *testing.T, data []byte, seed, maxLen uint8) {
		max := int(maxLen%64) + 1
		l := codec.NewLinesMax(max)
		s := codec.NewFramedRead(chunked(data, seed), l)
		got := fuzzDrain(t, s, l.MaxFrameLength()+codec.ReadBufferSize, func(v string) string { return "line " + v }, errKind)
		if diff := cmp.Diff(refLines(data, max), got); diff != "" {
			t.Fatalf("lines of %q, max %d (-reference +got):\n%s", data, max, diff)
		}
		// Round trip: the lines that are lines, encoded, decode as they were.
		var lines []string
		for _, s := range strings.Split(string(data), "\n") {
			if s = strings.TrimRight(s, "\r"); len(s) <= max {
				lines = append(lines, s)
			}
		}
		var wire []byte
		for _, s := range lines {
			var err error
			if wire, err = l.Encode(wire, s); err != nil {
				t.Fatalf("Encode(%q) = %v", s, err)
			}
		}
		got = fuzzDrain(t, codec.NewFramedRead(chunked(wire, seed^0x55), codec.NewLinesMax(max)), max+2+codec.ReadBufferSize,
			func(v string) string { return v }, errKind)
		if len(lines) == 0 {
			lines = nil
		}
		if diff := cmp.Diff(lines, got); diff != "" {
			t.Fatalf("round trip of %q (-want +got):\n%s", lines, diff)
		}
	})
}

// ldLayout draws a length-delimited layout from b.
func ldLayout(b uint8) (codec.LengthDelimitedBuilder, ldRef) {
	lengths := []int{1, 2, 3, 4, 8}
	ref := ldRef{
		length: lengths[int(b)%5],
		little: b&0x08 != 0,
		offset: int(b>>4) % 3,
		adjust: int(b>>6) - 2, // -2 ... 1
		max:    64,
	}
	ref.head = ref.offset + ref.length
	ref.skip = ref.head
	bld := codec.LengthDelimitedBuilder{}.LengthFieldLength(ref.length).LengthFieldOffset(ref.offset).
		LengthAdjustment(ref.adjust).MaxFrameLength(ref.max)
	if b&0x04 != 0 {
		ref.skip = ref.offset // keep the length field
		bld = bld.NumSkip(ref.skip)
	}
	if ref.little {
		bld = bld.LittleEndian()
	}
	return bld, ref
}

// ldRef is the reference length-delimited decoder of a whole input.
type ldRef struct {
	length, offset, adjust, max, head, skip int
	little                                  bool
}

func (r ldRef) decode(data []byte) []string {
	var out []string
	pos := 0
	for len(data)-pos >= r.head {
		var v uint64
		field := data[pos+r.offset : pos+r.head]
		for i := range field {
			b := field[i]
			if r.little {
				b = field[len(field)-1-i]
			}
			v = v<<8 | uint64(b)
		}
		if v > 1<<62 {
			return append(out, "too long") // the rest is skipped
		}
		n := int64(v) + int64(r.adjust)
		if n < 0 {
			return append(out, "err "+codec.ErrNegativeLength.Error())
		}
		if n > int64(r.max) {
			out = append(out, "too long")
			pos += r.head + int(n)
			continue
		}
		end := pos + r.head + int(n)
		if end > len(data) {
			break
		}
		out = append(out, fmt.Sprintf("frame %x", data[pos+r.skip:end]))
		pos = end
	}
	if pos < len(data) {
		out = append(out, fmt.Sprintf("trailing %d", len(data)-pos))
	}
	return out
}

func FuzzLengthDelimited(f *testing.F) {
	f.Add([]byte("\x00\x00\x00\x05hello\x00\x00\x00\x00"), uint8(7), uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, seed, layout uint8) {
		bld, ref := ldLayout(layout)
		c, err := bld.Build()
		if err != nil {
			t.Fatalf("Build() = %v", err)
		}
		s := codec.NewFramedRead(chunked(data, seed), c)
		show := func(b []byte) string { return fmt.Sprintf("frame %x", b) }
		got := fuzzDrain(t, s, c.MaxFrameLength()+codec.ReadBufferSize, show, errKind)
		if diff := cmp.Diff(ref.decode(data), got); diff != "" {
			t.Fatalf("frames of %x, layout %+v (-reference +got):\n%s", data, ref, diff)
		}
		// Round trip, for the layouts that skip the whole head: payloads cut
		// from data, encoded, decode as they were.
		if ref.skip != ref.head {
			return
		}
		var payloads []string
		var wire []byte
		for i, n := 0, int(seed%16); i < len(data); n = (n*7 + 3) % 70 {
			p := data[i:min(i+n, len(data))]
			i += len(p)
			w, err := c.Encode(wire, p)
			if err != nil {
				if len(p) <= ref.max && len(p)-ref.adjust >= 0 && (ref.length == 8 || len(p)-ref.adjust < 1<<(8*ref.length)) {
					t.Fatalf("Encode of %d bytes = %v", len(p), err)
				}
				continue
			}
			wire = w
			payloads = append(payloads, show(p))
		}
		c2, _ := bld.Build()
		got = fuzzDrain(t, codec.NewFramedRead(chunked(wire, seed^0x33), c2), c2.MaxFrameLength()+codec.ReadBufferSize, show, errKind)
		if diff := cmp.Diff(payloads, got); diff != "" {
			t.Fatalf("round trip (-want +got):\n%s", diff)
		}
	})
}

func FuzzBytes(f *testing.F) {
	f.Add([]byte("raw bytes"), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, seed uint8) {
		var frames [][]byte
		s := codec.NewFramedRead(chunked(data, seed), codec.Bytes{})
		fuzzDrain(t, s, codec.ReadBufferSize, func(b []byte) string {
			if len(b) == 0 {
				t.Fatal("an empty frame")
			}
			frames = append(frames, b)
			return ""
		}, errKind)
		joined := bytes.Join(frames, nil)
		if !bytes.Equal(joined, data) {
			t.Fatalf("frames join to %q; want %q", joined, data)
		}
		var wire []byte
		for _, fr := range frames {
			wire, _ = codec.Bytes{}.Encode(wire, fr)
		}
		if !bytes.Equal(wire, data) {
			t.Fatalf("encoded frames give %q; want %q", wire, data)
		}
	})
}
