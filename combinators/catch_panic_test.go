package combinators_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
)

func TestCatchPanic(t *testing.T) {
	tests := []struct {
		name      string
		f         future.Future[int]
		want      string
		wantIs    error
		wantPanic any
	}{
		{name: "no panic", f: future.Ready(1), want: "ok 1"},
		{name: "error value", f: panicking(errBoom), want: "err future: future.Func[int] panicked: boom", wantIs: errBoom, wantPanic: errBoom},
		{name: "other value", f: panicking("oops"), want: "err future: future.Func[int] panicked: oops", wantPanic: "oops"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := combinators.CatchPanic(tc.f)
			w := &testkit.WakeCounter{}
			cx := future.NewContext(w, nil)
			p := f.Poll(cx)
			if got := testkit.Describe(p); got != tc.want {
				t.Errorf("Poll() = %s; want %s", got, tc.want)
			}
			if tc.wantIs != nil && !errors.Is(p.Err(), tc.wantIs) {
				t.Errorf("errors.Is(%v, %v) = false; want true", p.Err(), tc.wantIs)
			}
			var pe *future.PanicError
			if errors.As(p.Err(), &pe) != (tc.wantPanic != nil) {
				t.Fatalf("errors.As(%v, *PanicError) = %v; want %v", p.Err(), pe != nil, tc.wantPanic != nil)
			}
			if pe != nil && (pe.Value != tc.wantPanic || !strings.Contains(string(pe.Stack), "panicking")) {
				t.Errorf("PanicError = %v with stack\n%s\nwant value %v and a stack through panicking", pe.Value, pe.Stack, tc.wantPanic)
			}
			if got := testkit.Describe(f.Poll(cx)); got != afterDone {
				t.Errorf("second Poll() = %s; want %s", got, afterDone)
			}
		})
	}
}

// panicking returns a future whose poll panics with v.
func panicking(v any) future.Future[int] {
	return future.PollFn(func(*future.Context) future.Poll[int] { panic(v) })
}
