package load

import (
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/eddyio/eddy/bench/servers"
)

func TestHistQuantile(t *testing.T) {
	tests := []struct {
		name    string
		samples []time.Duration
		q       float64
		want    time.Duration
	}{
		{"empty", nil, 0.5, 0},
		{"small exact", []time.Duration{1, 2, 3, 4, 5}, 0.5, 3},
		{"p99 of 100", func() []time.Duration {
			var s []time.Duration
			for i := range 100 {
				s = append(s, time.Duration(i+1)*time.Microsecond)
			}
			return s
		}(), 0.99, 98304}, // 99 µs = 96.7 × 1024 ns, rounded down to 96 × 1024
		{"large", []time.Duration{time.Second}, 1, 998244352}, // 119 × 2^23 ns,
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var h hist
			for _, d := range tc.samples {
				h.add(d, 1)
			}
			if got := h.quantile(tc.q); got != tc.want {
				t.Errorf("quantile(%v) = %v; want %v", tc.q, got, tc.want)
			}
		})
	}
}

func TestBucketRoundsDown(t *testing.T) {
	for _, v := range []uint64{0, 1, 63, 64, 65, 127, 128, 1000, 123456789, 1 << 40} {
		lo := lowest(bucket(v))
		if lo > v || float64(v-lo) > float64(v)/64 {
			t.Errorf("lowest(bucket(%d)) = %d; want within 1/64 below", v, lo)
		}
	}
}

func TestRunEddy(t *testing.T) {
	addr, stop, err := servers.Eddy("127.0.0.1:0", 2)
	if err != nil {
		t.Fatalf("Eddy() error = %v", err)
	}
	t.Cleanup(stop)
	r, err := Run(Config{Addr: addr, Conns: 4, Size: 100, Duration: 200 * time.Millisecond, Pipeline: 3})
	if err != nil {
		t.Fatalf("Run() error = %v", err)
	}
	if r.Msgs == 0 || r.Msgs%3 != 0 {
		t.Errorf("Run() echoed %d messages; want a positive multiple of 3", r.Msgs)
	}
	if r.P50 <= 0 || r.P99 < r.P50 {
		t.Errorf("Run() p50 = %v, p99 = %v; want 0 < p50 <= p99", r.P50, r.P99)
	}
	if r.Elapsed < 200*time.Millisecond || r.Elapsed > 11*time.Second {
		t.Errorf("Run() took %v; want about 200ms", r.Elapsed)
	}
}

// TestRunMismatch checks that a server that changes one byte fails the run.
func TestRunMismatch(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { l.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		buf := make([]byte, 64)
		if _, err := io.ReadFull(c, buf); err != nil {
			return
		}
		buf[10]++
		c.Write(buf)
		io.Copy(io.Discard, c)
	}()
	_, err = Run(Config{Addr: l.Addr().String(), Conns: 1, Size: 64, Duration: 5 * time.Second})
	if !errors.Is(err, ErrMismatch) {
		t.Errorf("Run() error = %v; want %v", err, ErrMismatch)
	}
}

func TestRunRefusesOtherHosts(t *testing.T) {
	for _, addr := range []string{"192.0.2.1:7", "example.com:7", ":7"} {
		if _, err := Run(Config{Addr: addr, Conns: 1, Duration: time.Millisecond}); !errors.Is(err, ErrNotLoopback) {
			t.Errorf("Run(%q) error = %v; want %v", addr, err, ErrNotLoopback)
		}
	}
}
