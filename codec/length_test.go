package codec_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/codec"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/taskctx"
	"github.com/eddyio/eddy/internal/testkit"
)

// TestLengthDelimitedLayouts decodes and encodes the layouts of Tokio's
// length_delimited documentation, against bytes written out by hand.
func TestLengthDelimitedLayouts(t *testing.T) {
	const hw = "hello world" // 11 bytes, 0x0b
	tests := []struct {
		name    string
		b       codec.LengthDelimitedBuilder
		wire    string // one frame on the wire
		frame   string // what Decode hands out
		encodes bool   // Encode(frame) gives wire back
	}{
		{"default", codec.LengthDelimitedBuilder{}, "\x00\x00\x00\x0b" + hw, hw, true},
		{"2-byte field", codec.LengthDelimitedBuilder{}.LengthFieldLength(2), "\x00\x0b" + hw, hw, true},
		{"1-byte field", codec.LengthDelimitedBuilder{}.LengthFieldLength(1), "\x0b" + hw, hw, true},
		{"3-byte field", codec.LengthDelimitedBuilder{}.LengthFieldLength(3), "\x00\x00\x0b" + hw, hw, true},
		{"8-byte field", codec.LengthDelimitedBuilder{}.LengthFieldLength(8), "\x00\x00\x00\x00\x00\x00\x00\x0b" + hw, hw, true},
		{"little endian", codec.LengthDelimitedBuilder{}.LittleEndian(), "\x0b\x00\x00\x00" + hw, hw, true},
		{"little endian 3 bytes", codec.LengthDelimitedBuilder{}.LengthFieldLength(3).LittleEndian(), "\x0b\x00\x00" + hw, hw, true},
		{"big endian again", codec.LengthDelimitedBuilder{}.LittleEndian().BigEndian(), "\x00\x00\x00\x0b" + hw, hw, true},
		{"keep the head", codec.LengthDelimitedBuilder{}.LengthFieldLength(2).NumSkip(0), "\x00\x0b" + hw, "\x00\x0b" + hw, false},
		{"length counts the head", codec.LengthDelimitedBuilder{}.LengthFieldLength(2).LengthAdjustment(-2), "\x00\x0d" + hw, hw, true},
		{"length counts the head, kept", codec.LengthDelimitedBuilder{}.LengthFieldLength(2).LengthAdjustment(-2).NumSkip(0), "\x00\x0d" + hw, "\x00\x0d" + hw, false},
		{"offset, 3-byte field, head kept", codec.LengthDelimitedBuilder{}.LengthFieldOffset(2).LengthFieldLength(3).NumSkip(0),
			"\xca\xfe\x00\x00\x0b" + hw, "\xca\xfe\x00\x00\x0b" + hw, false},
		{"offset skipped", codec.LengthDelimitedBuilder{}.LengthFieldOffset(2).LengthFieldLength(3), "\x00\x00\x00\x00\x0b" + hw, hw, true},
		{"header after the length", codec.LengthDelimitedBuilder{}.LengthFieldLength(3).LengthAdjustment(2).NumSkip(0),
			"\x00\x00\x0b\xca\xfe" + hw, "\x00\x00\x0b\xca\xfe" + hw, false},
		{"offset, adjustment, partial skip", codec.LengthDelimitedBuilder{}.LengthFieldOffset(1).LengthFieldLength(2).LengthAdjustment(1).NumSkip(3),
			"\xca\x00\x0b\xfe" + hw, "\xfe" + hw, false},
		{"length counts all, head skipped", codec.LengthDelimitedBuilder{}.LengthFieldOffset(1).LengthFieldLength(2).LengthAdjustment(-3),
			"\x00\x00\x0e" + hw, hw, true},
		{"empty frame", codec.LengthDelimitedBuilder{}, "\x00\x00\x00\x00", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := tc.b.Build()
			if err != nil {
				t.Fatalf("Build() = %v", err)
			}
			// Two frames back to back, fed a byte at a time and whole.
			wire := tc.wire + tc.wire
			r := &testkit.ScriptIO{}
			for i := range len(wire) {
				r.Reads = append(r.Reads, testkit.IOStep{Data: wire[i : i+1]}, testkit.IOStep{Pending: true})
			}
			want := []string{"item " + tc.frame, "item " + tc.frame, "end"}
			if diff := cmp.Diff(want, testkit.Drain(t, strs(codec.NewFramedRead(r, c)))); diff != "" {
				t.Errorf("byte at a time (-want +got):\n%s", diff)
			}
			c, _ = tc.b.Build()
			whole := &testkit.ScriptIO{Reads: []testkit.IOStep{{Data: wire}}}
			if diff := cmp.Diff(want, testkit.Drain(t, strs(codec.NewFramedRead(whole, c)))); diff != "" {
				t.Errorf("whole (-want +got):\n%s", diff)
			}
			if tc.encodes {
				got, err := c.Encode([]byte("<"), []byte(tc.frame))
				if err != nil || string(got) != "<"+tc.wire {
					t.Errorf("Encode(%q) = %q, %v; want %q", tc.frame, got, err, "<"+tc.wire)
				}
			}
		})
	}
}

func TestLengthDelimitedBuildErrors(t *testing.T) {
	for _, tc := range []struct {
		b    codec.LengthDelimitedBuilder
		want string
	}{
		{codec.LengthDelimitedBuilder{}.LengthFieldLength(5), "codec: length field of 5 bytes; want 1, 2, 3, 4 or 8"},
		{codec.LengthDelimitedBuilder{}.LengthFieldOffset(-1), "codec: negative length field offset, skip or maximum"},
		{codec.LengthDelimitedBuilder{}.MaxFrameLength(-1), "codec: negative length field offset, skip or maximum"},
		{codec.LengthDelimitedBuilder{}.LengthFieldLength(2).NumSkip(3), "codec: skip of 3 bytes beyond the head of 2"},
	} {
		if c, err := tc.b.Build(); c != nil || err == nil || err.Error() != tc.want {
			t.Errorf("Build() = %v, %v; want %q", c, err, tc.want)
		}
	}
}

func TestLengthDelimitedEncodeErrors(t *testing.T) {
	one, _ := codec.LengthDelimitedBuilder{}.LengthFieldLength(1).Build()
	if b, err := one.Encode(nil, make([]byte, 256)); err == nil || len(b) != 0 ||
		err.Error() != "codec: frame of 256 bytes does not fit a length field of 1 bytes" {
		t.Errorf("Encode of 256 bytes with a 1-byte field = %q, %v", b, err)
	}
	if b, err := one.Encode(nil, make([]byte, 255)); err != nil || len(b) != 256 || b[0] != 255 {
		t.Errorf("Encode of 255 bytes with a 1-byte field = %d bytes, %v", len(b), err)
	}
	small, _ := codec.LengthDelimitedBuilder{}.MaxFrameLength(10).Build()
	_, err := small.Encode(nil, make([]byte, 11))
	var fe *codec.FrameLengthError
	if !errors.As(err, &fe) || fe.Length != 11 || fe.Max != 10 || !errors.Is(err, codec.ErrFrameTooLarge) {
		t.Errorf("Encode over the maximum = %v; want a *FrameLengthError", err)
	}
	neg, _ := codec.LengthDelimitedBuilder{}.LengthAdjustment(5).Build()
	if _, err := neg.Encode(nil, []byte("abc")); err == nil {
		t.Error("Encode of a frame shorter than the adjustment: no error")
	}
}

// TestLengthDelimitedTooLong: a header announcing a frame over the maximum
// is an error at once, nothing is buffered for the frame, its bytes are
// skipped as they come, and the next frame is decoded.
func TestLengthDelimitedTooLong(t *testing.T) {
	c, _ := codec.LengthDelimitedBuilder{}.MaxFrameLength(100).Build()
	big := strings.Repeat("x", 50_000)
	r := &testkit.ScriptIO{Reads: []testkit.IOStep{
		{Data: "\x00\x00\x00\x02ok"},
		{Data: "\x00\x00\xc3\x50" + big[:1000]}, {Pending: true},
		{Data: big[1000:30_000]}, {Pending: true},
		{Data: big[30_000:] + "\x00\x00\x00\x04next"},
	}}
	s := codec.NewFramedRead(r, c)
	cx := future.NewContext(nil, nil)
	var got []string
	maxCap := 0
	for range 1000 {
		taskctx.BeginPoll(cx)
		p := s.PollNext(cx)
		maxCap = max(maxCap, codec.ReadBufferCap(s))
		if p.IsEnd() {
			break
		}
		if p.IsItem() {
			if p.Err() != nil {
				got = append(got, "err "+p.Err().Error())
			} else {
				got = append(got, "item "+string(p.Value()))
			}
		}
	}
	want := []string{"item ok", "err codec: frame of 50000 bytes over the maximum of 100", "item next"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("frames (-want +got):\n%s", diff)
	}
	if maxCap > codec.ReadBufferSize {
		t.Errorf("the read buffer grew to %d bytes for a frame refused", maxCap)
	}
	// A negative length cannot be skipped: the stream ends.
	neg, _ := codec.LengthDelimitedBuilder{}.LengthAdjustment(-10).Build()
	got = testkit.Drain(t, strs(codec.NewFramedRead(&testkit.ScriptIO{Reads: []testkit.IOStep{{Data: "\x00\x00\x00\x02ok"}}}, neg)))
	if diff := cmp.Diff([]string{"err " + codec.ErrNegativeLength.Error(), "end"}, got); diff != "" {
		t.Errorf("negative length (-want +got):\n%s", diff)
	}
	// A frame cut by the end of input is trailing bytes.
	got = testkit.Drain(t, strs(codec.NewFramedRead(&testkit.ScriptIO{Reads: []testkit.IOStep{{Data: "\x00\x00\x00\x05abc"}}}, codec.NewLengthDelimited())))
	if diff := cmp.Diff([]string{"err codec: 7 bytes left over at end of input", "end"}, got); diff != "" {
		t.Errorf("cut frame (-want +got):\n%s", diff)
	}
}

// TestLengthDelimitedGrowsOnce: a frame larger than a pooled buffer makes
// the reader grow its buffer once, to the frame's size, from the header.
func TestLengthDelimitedGrowsOnce(t *testing.T) {
	payload := bytes.Repeat([]byte("0123456789"), 10_000) // 100,000 bytes
	wire, _ := codec.NewLengthDelimited().Encode(nil, payload)
	r := &testkit.ScriptIO{Reads: []testkit.IOStep{{Data: string(wire[:2])}, {Pending: true}}}
	wire = wire[2:]
	for i := 0; i < len(wire); i += 4000 {
		r.Reads = append(r.Reads, testkit.IOStep{Data: string(wire[i:min(i+4000, len(wire))])}, testkit.IOStep{Pending: true})
	}
	s := codec.NewFramedRead(r, codec.NewLengthDelimited())
	cx := future.NewContext(nil, nil)
	caps := map[int]bool{}
	for range 1000 {
		taskctx.BeginPoll(cx)
		p := s.PollNext(cx)
		if c := codec.ReadBufferCap(s); c > 0 {
			caps[c] = true
		}
		if p.IsItem() {
			if !bytes.Equal(p.Value(), payload) {
				t.Fatalf("PollNext = %v; want the payload", testkit.DescribeItem(p))
			}
			break
		}
	}
	if len(caps) != 2 || !caps[codec.ReadBufferSize] || !caps[len(payload)+4] {
		t.Errorf("buffer sizes seen: %v; want the pooled one and the frame's (%d)", caps, len(payload)+4)
	}
}

// TestLengthDelimitedSteadyStateAllocs: a frame through an idle cycle
// allocates only the frame itself.
func TestLengthDelimitedSteadyStateAllocs(t *testing.T) {
	wire, _ := codec.NewLengthDelimited().Encode(nil, []byte("hello, world"))
	s := codec.NewFramedRead(&cycleReadyReader{cycleReader{chunk: wire}}, codec.NewLengthDelimited())
	cx := future.NewContext(nil, nil)
	cycle := func() {
		taskctx.BeginPoll(cx)
		if p := s.PollNext(cx); !p.IsItem() || string(p.Value()) != "hello, world" {
			t.Fatalf("PollNext = %v; want a frame", testkit.DescribeItem(p))
		}
		if p := s.PollNext(cx); !p.IsPending() || codec.ReadHoldsBuffer(s) {
			t.Fatalf("PollNext = %v; want pending with no buffer", testkit.DescribeItem(p))
		}
	}
	for range 10 {
		cycle()
	}
	if n := testing.AllocsPerRun(1000, cycle); n != 1 {
		t.Errorf("a frame through an idle cycle: %v allocations; want 1 (the frame)", n)
	}
	w := codec.NewFramedWrite(&gate{open: true}, codec.NewLengthDelimited())
	frame := []byte("hello, world")
	send := func() {
		if err := w.StartSend(frame); err != nil {
			t.Fatal(err)
		}
		if p := w.PollFlush(cx); !p.IsReady() || p.Err() != nil {
			t.Fatal(testkit.Describe(p))
		}
	}
	send()
	if n := testing.AllocsPerRun(1000, send); n != 0 {
		t.Errorf("a frame sent and flushed: %v allocations; want 0", n)
	}
}
