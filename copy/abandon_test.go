package copy_test

import (
	"errors"
	"testing"

	iocopy "github.com/eddyio/eddy/copy"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
)

// TestCopyAbandonReturnsBuffer: a copy abandoned while it holds data it
// could not write yet gives its pooled buffer back at once.
func TestCopyAbandonReturnsBuffer(t *testing.T) {
	r := &scriptReader{steps: []step{{data: "hello"}}}
	w := &scriptWriter{steps: []step{pending(), pending()}}
	f := iocopy.Copy(r, w)
	cx, _ := testkit.NewContext()
	if p := f.Poll(cx); !p.IsPending() || !iocopy.HoldsBuffer(f) {
		t.Fatalf("Poll() = pending %v, holds a buffer %v; want pending with the unwritten data held", p.IsPending(), iocopy.HoldsBuffer(f))
	}
	future.Abandon(f)
	if iocopy.HoldsBuffer(f) {
		t.Errorf("an abandoned Copy still holds its buffer")
	}
	if p := f.Poll(cx); !errors.Is(p.Err(), future.ErrPolledAfterCompletion) {
		t.Errorf("Poll() after Abandon = %v; want ErrPolledAfterCompletion", p.Err())
	}
	future.Abandon(f) // a second call is harmless
}
