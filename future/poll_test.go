package future_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/eddyio/eddy/future"
)

var errBoom = errors.New("boom")

func fmtResult(v any, err error) string { return fmt.Sprintf("Ready(%v, %v)", v, err) }

func TestPollAccessors(t *testing.T) {
	tests := []struct {
		name        string
		p           future.Poll[int]
		wantPending bool
		wantVal     int
		wantErr     error
	}{
		{name: "zero value", p: future.Poll[int]{}, wantPending: true},
		{name: "Pending", p: future.Pending[int](), wantPending: true},
		{name: "Ok", p: future.Ok(7), wantVal: 7},
		{name: "Ok zero", p: future.Ok(0), wantVal: 0},
		{name: "Fail", p: future.Fail[int](errBoom), wantErr: errBoom},
		{name: "Fail nil", p: future.Fail[int](nil)},
		{name: "Result value", p: future.Result(3, nil), wantVal: 3},
		{name: "Result error", p: future.Result(0, errBoom), wantErr: errBoom},
		{name: "Result both", p: future.Result(5, errBoom), wantVal: 5, wantErr: errBoom},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.p.IsPending(); got != tc.wantPending {
				t.Errorf("IsPending() = %v; want %v", got, tc.wantPending)
			}
			if got := tc.p.IsReady(); got != !tc.wantPending {
				t.Errorf("IsReady() = %v; want %v", got, !tc.wantPending)
			}
			if got := tc.p.Value(); got != tc.wantVal {
				t.Errorf("Value() = %d; want %d", got, tc.wantVal)
			}
			if got := tc.p.Err(); got != tc.wantErr {
				t.Errorf("Err() = %v; want %v", got, tc.wantErr)
			}
			if v, err := tc.p.Result(); v != tc.wantVal || err != tc.wantErr {
				t.Errorf("Result() = %d, %v; want %d, %v", v, err, tc.wantVal, tc.wantErr)
			}
		})
	}
}

func TestPollIsComparableAndSmall(t *testing.T) {
	if future.Pending[int]() != (future.Poll[int]{}) {
		t.Errorf("Pending[int]() != Poll[int]{}; want the zero value")
	}
	allocs := testing.AllocsPerRun(100, func() {
		p := future.Ok(42)
		_ = future.Result(p.Value(), p.Err())
		_ = future.Pending[string]()
	})
	if allocs != 0 {
		t.Errorf("building Polls allocates %v times; want 0", allocs)
	}
}
