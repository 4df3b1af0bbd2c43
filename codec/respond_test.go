package codec_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/codec"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/stream"
)

func TestRespond(t *testing.T) {
	bad := errors.New("bad request")
	handle := func(n int) (string, bool) { return fmt.Sprint("answer ", n), n == 0 }
	refuse := func(err error) (string, bool) { return "refused: " + err.Error(), err == bad }
	trailing := &codec.TrailingBytesError{N: 3}
	other := errors.New("other")
	for _, tt := range []struct {
		name  string
		steps []stream.Poll[int]
		want  []string
		polls int // of the requests
	}{
		{"each request answered", []stream.Poll[int]{stream.Item(1), stream.Pending[int](), stream.Item(2)},
			[]string{"item answer 1", "item answer 2", "end"}, 4},
		{"a closing answer ends it unread", []stream.Poll[int]{stream.Item(1), stream.Item(0), stream.Item(3)},
			[]string{"item answer 1", "item answer 0", "end"}, 2},
		{"a refusal is the last answer", []stream.Poll[int]{stream.Fail[int](bad), stream.Item(3)},
			[]string{"item refused: bad request", "end"}, 1},
		{"an error refuse has no answer for goes on", []stream.Poll[int]{stream.Fail[int](other)},
			[]string{"err other", "end"}, 1},
		{"input ending mid-frame ends it quietly", []stream.Poll[int]{stream.Item(1), stream.Fail[int](trailing)},
			[]string{"item answer 1", "end"}, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := testkit.NewStream(tt.steps...)
			got := testkit.Drain(t, codec.Respond[int, string](in, handle, refuse))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("answers (-want +got):\n%s", diff)
			}
			if in.Polls != tt.polls {
				t.Errorf("requests polled %d times; want %d", in.Polls, tt.polls)
			}
		})
	}
}

func TestRespondAbandon(t *testing.T) {
	in := testkit.NewStream(stream.Item(1), stream.Item(2))
	r := codec.Respond(in, func(n int) (int, bool) { return n, false }, func(error) (int, bool) { return 0, false })
	cx, _ := testkit.NewContext()
	r.PollNext(cx)
	future.Abandon(r)
	if in.Abandoned != 1 {
		t.Errorf("requests abandoned %d times; want 1", in.Abandoned)
	}
	if p := r.PollNext(cx); !p.IsEnd() {
		t.Errorf("after Abandon: %s; want end", testkit.DescribeItem(p))
	}
}
