// Command echoload is an echo load generator: -conns connections each
// send -size byte messages, -pipeline at a time, wait for the echo, check
// every byte, and go on for -duration (at most 60s); then it prints
// messages per second, megabytes per second and the median and 99th
// percentile round trip. With -churn N it churns instead, as scenario (e)
// does: -conns workers each connect, echo one -size message, check it and
// close, until N connections are done or -duration has passed; then it
// prints connections per second.
//
//	go run ./cmd/echoload -addr 127.0.0.1:6142 -conns 100 -size 64 -duration 5s
//	go run ./cmd/echoload -addr 127.0.0.1:6142 -conns 8 -churn 10000
package main

import (
	"flag"
	"fmt"
	"log"
	"time"

	"github.com/eddyio/eddy/bench/load"
)

func main() {
	var cfg load.Config
	flag.StringVar(&cfg.Addr, "addr", "127.0.0.1:6142", "echo server address (loopback only)")
	flag.IntVar(&cfg.Conns, "conns", 100, "connections")
	flag.IntVar(&cfg.Size, "size", 64, "bytes per message")
	flag.DurationVar(&cfg.Duration, "duration", 5*time.Second, "how long to measure (at most 60s)")
	flag.IntVar(&cfg.Pipeline, "pipeline", 1, "messages in flight per connection")
	churn := flag.Int("churn", 0, "churn this many connections (connect, one echo, close) instead")
	flag.Parse()
	if cfg.Duration > load.MaxDuration {
		log.Printf("echoload: -duration %v capped at %v", cfg.Duration, load.MaxDuration)
	}
	if *churn > 0 {
		r, err := load.Churn(load.ChurnConfig{Addr: cfg.Addr, Workers: cfg.Conns, Duration: cfg.Duration, Max: *churn, Size: cfg.Size})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%d connections in %v: %.0f connections/s\n", r.Conns, r.Elapsed.Round(time.Millisecond), r.ConnsPerSec())
		return
	}
	r, err := load.Run(cfg)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r)
}
