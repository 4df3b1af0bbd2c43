package aio_test

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/internal/testkit"
)

// splitLines is the reference: the lines of data as bufio.ScanLines cuts
// them ("\n" or "\r\n" ends a line, a last line may lack it), up to the
// first line longer than max, which is reported as too long.
func splitLines(data []byte, max int) (lines []string, tooLong bool) {
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		line := data
		if i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) > max {
			return lines, true
		}
		lines = append(lines, string(line))
	}
	return lines, false
}

// FuzzLines checks that Lines cuts any input, however it arrives, into the
// lines the reference cuts, and that a line longer than the limit ends the
// stream with ErrLineTooLong whatever the pieces the input came in.
func FuzzLines(f *testing.F) {
	f.Add([]byte("hello\nworld\r\nlast"), []byte{0}, uint16(16))
	f.Add([]byte("\n\n\r\n"), []byte{1, 2}, uint16(0))
	f.Add([]byte("abc\r\n"), []byte{3, 1}, uint16(3))
	f.Add([]byte("abcd\nef"), []byte{255}, uint16(3))
	f.Add(bytes.Repeat([]byte("0123456789"), 1000), []byte{200, 7, 0}, uint16(5000))
	f.Fuzz(func(t *testing.T, data, sizes []byte, max uint16) {
		want, wantTooLong := splitLines(data, int(max))
		s := aio.LinesLimit(&chunkReader{data: data, sizes: sizes}, int(max))
		cx, _ := testkit.NewContext()
		var got []string
		var err error
		for polls := 0; ; polls++ {
			if polls > 4*len(data)+10 {
				t.Fatalf("no end after %d polls", polls)
			}
			p := s.PollNext(cx)
			if p.IsPending() {
				continue
			}
			if p.IsEnd() {
				break
			}
			if err = p.Err(); err != nil {
				break
			}
			got = append(got, p.Value())
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("lines (-want +got):\n%s", diff)
		}
		if wantTooLong && err != aio.ErrLineTooLong || !wantTooLong && err != nil {
			t.Errorf("ended with %v; want ErrLineTooLong: %v", err, wantTooLong)
		}
	})
}
