// Package torture is eddy's torture suite: its tests run the echo server
// under faults, load and bad input, and check that nothing is lost (every
// byte echoed, compared exactly) and nothing leaks (descriptors,
// goroutines, tasks, armed timers, memory back near where it started).
//
// The package has no API; its tests are the suite. Plain `go test ./...`
// runs a short form that takes seconds; the full form (15,000 concurrent
// connections, 200,000 connect-echo-close cycles, 2,000 clients against a
// server out of descriptors, 100 MiB through a fault-injecting proxy) runs
// with
//
//	go test ./torture -v -timeout 15m -args -full
//
// and torture/run.sh runs it after the race stress of the engine packages.
// docs/reliability.md describes each scenario, what it proves and its
// figures.
//
// The echo server runs as a child process, the test binary started again
// with EDDY_TORTURE_SERVER set, so that it has descriptors of its own (the
// clients of the scale scenario need 15,000 on this side) and its
// descriptor limit can be lowered alone.
package torture
