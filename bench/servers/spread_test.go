package servers_test

import (
	"fmt"
	"testing"

	"github.com/eddyio/eddy/bench/load"
	"github.com/eddyio/eddy/bench/servers"
)

// BenchmarkSpread compares the two ways eddy's runtime spreads accepted
// connections over its loops (one SO_REUSEPORT listener per loop, or one
// acceptor handing connections over), with one loop and two, under
// connection churn: connect, one 64-byte echo, close, 8 connections in
// flight. (Steady load is cmd/compare's business.) The load generator runs
// in the same process, so the figures compare these servers with each
// other, not with the other benchmarks':
//
//	go test -run '^$' -bench Spread -benchtime 20000x ./servers
func BenchmarkSpread(b *testing.B) {
	for _, s := range []servers.Server{{Name: "reuseport", Start: servers.Eddy}, {Name: "handoff", Start: servers.EddyHandoff}} {
		for _, loops := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/loops=%d/churn", s.Name, loops), func(b *testing.B) {
				addr, stop, err := s.Start("127.0.0.1:0", loops)
				if err != nil {
					b.Fatal(err)
				}
				defer stop()
				b.ResetTimer()
				r, err := load.Churn(load.ChurnConfig{Addr: addr, Workers: 8, Max: b.N, Duration: load.MaxDuration})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(r.ConnsPerSec(), "conns/s")
			})
		}
	}
}
