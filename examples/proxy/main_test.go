package main

import (
	"net"
	"os"
	"testing"

	"github.com/eddyio/eddy/internal/leaktest"
)

// TestMain fails the package if its tests leave a goroutine or an fd behind.
func TestMain(m *testing.M) { os.Exit(leaktest.Check(m)) }

// TestLoopsBack: the addresses that would make the proxy connect to
// itself, and some that would not.
func TestLoopsBack(t *testing.T) {
	for _, tc := range []struct {
		listen, to string
		want       bool
	}{
		{"127.0.0.1:8081", "127.0.0.1:8081", true},
		{"0.0.0.0:8081", "127.0.0.1:8081", true},
		{"127.0.0.1:8081", ":8081", true},
		{"127.0.0.1:8081", "0.0.0.0:8081", true},
		{"[::1]:8081", "[::1]:8081", true},
		{"127.0.0.1:8081", "127.0.0.1:8080", false},
		{"127.0.0.1:8081", "[::1]:8081", false},
	} {
		l, err := net.ResolveTCPAddr("tcp", tc.listen)
		if err != nil {
			t.Fatal(err)
		}
		if got := loopsBack(l, tc.to); got != tc.want {
			t.Errorf("loopsBack(%s, %s) = %v; want %v", tc.listen, tc.to, got, tc.want)
		}
	}
}
