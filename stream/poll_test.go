package stream_test

import (
	"testing"

	"github.com/eddyio/eddy/stream"
)

func TestPollAccessors(t *testing.T) {
	tests := []struct {
		name                           string
		p                              stream.Poll[int]
		wantPending, wantItem, wantEnd bool
		wantVal                        int
		wantErr                        error
	}{
		{name: "zero value", p: stream.Poll[int]{}, wantPending: true},
		{name: "Pending", p: stream.Pending[int](), wantPending: true},
		{name: "Item", p: stream.Item(7), wantItem: true, wantVal: 7},
		{name: "Item zero", p: stream.Item(0), wantItem: true},
		{name: "Fail", p: stream.Fail[int](errBoom), wantItem: true, wantErr: errBoom},
		{name: "Fail nil", p: stream.Fail[int](nil), wantItem: true},
		{name: "End", p: stream.End[int](), wantEnd: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.p
			if p.IsPending() != tc.wantPending || p.IsItem() != tc.wantItem || p.IsEnd() != tc.wantEnd {
				t.Errorf("IsPending(), IsItem(), IsEnd() = %v, %v, %v; want %v, %v, %v",
					p.IsPending(), p.IsItem(), p.IsEnd(), tc.wantPending, tc.wantItem, tc.wantEnd)
			}
			if p.Value() != tc.wantVal {
				t.Errorf("Value() = %d; want %d", p.Value(), tc.wantVal)
			}
			if p.Err() != tc.wantErr {
				t.Errorf("Err() = %v; want %v", p.Err(), tc.wantErr)
			}
			if v, err := p.Result(); v != tc.wantVal || err != tc.wantErr {
				t.Errorf("Result() = %d, %v; want %d, %v", v, err, tc.wantVal, tc.wantErr)
			}
		})
	}
}

func TestPollBuildsWithoutAllocating(t *testing.T) {
	if stream.Pending[int]() != (stream.Poll[int]{}) {
		t.Errorf("Pending[int]() != Poll[int]{}; want the zero value")
	}
	allocs := testing.AllocsPerRun(100, func() {
		_ = stream.Item(1)
		_ = stream.Fail[int](errBoom)
		_ = stream.End[string]()
	})
	if allocs != 0 {
		t.Errorf("building Polls allocates %v times; want 0", allocs)
	}
}
