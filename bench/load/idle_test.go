package load

import (
	"errors"
	"testing"
	"time"

	"github.com/eddyio/eddy/bench/servers"
)

func TestIdleEddy(t *testing.T) {
	addr, stop, err := servers.Eddy("127.0.0.1:0", 1)
	if err != nil {
		t.Fatalf("Eddy() error = %v", err)
	}
	t.Cleanup(stop)
	held := 0
	r, err := Idle(IdleConfig{Addr: addr, Conns: 200, Hold: 50 * time.Millisecond, Held: func() { held++ }})
	if err != nil {
		t.Fatalf("Idle() error = %v", err)
	}
	if r.Opened != 200 || r.Echoed != 200 || held != 1 {
		t.Errorf("Idle() opened %d, echoed %d, called Held %d times; want 200, 200, 1", r.Opened, r.Echoed, held)
	}
}

func TestChurnEddy(t *testing.T) {
	addr, stop, err := servers.Eddy("127.0.0.1:0", 1)
	if err != nil {
		t.Fatalf("Eddy() error = %v", err)
	}
	t.Cleanup(stop)
	r, err := Churn(ChurnConfig{Addr: addr, Workers: 4, Duration: 5 * time.Second, Max: 300})
	if err != nil {
		t.Fatalf("Churn() error = %v", err)
	}
	if r.Conns != 300 {
		t.Errorf("Churn() completed %d connections; want the cap, 300", r.Conns)
	}
	if r.Elapsed >= 5*time.Second {
		t.Errorf("Churn() took %v; want it to end at the cap, well before 5s", r.Elapsed)
	}
}

func TestIdleAndChurnRefuseOtherHosts(t *testing.T) {
	if _, err := Idle(IdleConfig{Addr: "192.0.2.1:7", Conns: 1}); !errors.Is(err, ErrNotLoopback) {
		t.Errorf("Idle() error = %v; want %v", err, ErrNotLoopback)
	}
	if _, err := Churn(ChurnConfig{Addr: "192.0.2.1:7"}); !errors.Is(err, ErrNotLoopback) {
		t.Errorf("Churn() error = %v; want %v", err, ErrNotLoopback)
	}
}
