package listener

import (
	"testing"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// told records whether it was abandoned.
type told struct{ abandoned bool }

func (t *told) Poll(*future.Context) future.Poll[struct{}]     { return future.Pending[struct{}]() }
func (t *told) PollNext(*future.Context) stream.Poll[struct{}] { return stream.Pending[struct{}]() }
func (t *told) Abandon()                                       { t.abandoned = true }

// TestBackoffAbandonTellsPauseAndSource: abandoning the accept stream while
// it pauses abandons the pause (its timer leaves the wheel) and the source.
func TestBackoffAbandonTellsPauseAndSource(t *testing.T) {
	src, pause := &told{}, &told{}
	b := &backoff[struct{}]{s: src, pause: pause}
	future.Abandon(b)
	if !pause.abandoned || !src.abandoned || b.pause != nil {
		t.Fatalf("after Abandon: pause told %v, source told %v, pause kept %v; want true, true, false", pause.abandoned, src.abandoned, b.pause != nil)
	}
}
