package main

import (
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/eddyio/eddy/bench/load"
	"github.com/eddyio/eddy/bench/procfs"
	"github.com/eddyio/eddy/bench/report"
)

// suiteConfig is how a suite is run.
type suiteConfig struct {
	name       string
	servers    []string
	scenarios  string // the ids to run, e.g. "abcdef"
	reps       int
	duration   time.Duration // each timed scenario
	idleConns  int
	idleHold   time.Duration
	churnMax   int
	pin        bool
	serverCPU  int
	loadCPU    int
	out        string
	smoke      bool
	commandRaw string
}

// issue9 is the suite of issue 9: what one event loop costs.
func issue9(c suiteConfig) []report.Scenario {
	all := []report.Scenario{
		{ID: "a", Title: "50 conns × 64 B", Kind: report.Throughput, Conns: 50, Size: 64, Pipeline: 1},
		{ID: "b", Title: "50 conns × 4 KiB, pipeline 8", Kind: report.Throughput, Conns: 50, Size: 4096, Pipeline: 8},
		{ID: "c", Title: "1000 conns × 512 B", Kind: report.Throughput, Conns: 1000, Size: 512, Pipeline: 1},
		{ID: "d", Title: fmt.Sprintf("%d idle connections", c.idleConns), Kind: report.Idle, Conns: c.idleConns, Size: 64},
		{ID: "e", Title: "churn: connect, one echo, close", Kind: report.Churn, Conns: churnWorkers, Size: 64, Max: c.churnMax},
		{ID: "f", Title: "1 connection ping-pong, 64 B", Kind: report.Latency, Conns: 1, Size: 64, Pipeline: 1},
	}
	var out []report.Scenario
	for _, sc := range all {
		if !strings.Contains(c.scenarios, sc.ID) {
			continue
		}
		switch sc.Kind {
		case report.Idle:
			sc.Duration = c.idleHold
			sc.Load = fmt.Sprintf("%d connections opened (32 dialling at a time) and held without a byte for %v; then the server's RSS is read, and every connection echoes one %d-byte message, checked. Figure: (RSS with the connections held − RSS before any) ÷ connections.", sc.Conns, sc.Duration, sc.Size)
		case report.Churn:
			sc.Duration = c.duration
			sc.Load = fmt.Sprintf("%d connections in flight: each connects, echoes one %d-byte message, checks it and closes; for %v or %d connections, whichever comes first. Figure: server CPU time ÷ connections completed.", sc.Conns, sc.Size, sc.Duration, sc.Max)
		default:
			sc.Duration = c.duration
			sc.Load = fmt.Sprintf("%d connection(s) each send %d message(s) of %d bytes in one write, read the echo back, check it and go again, for %v. Load: `go run ./cmd/echoload -conns %d -size %d -pipeline %d -duration %v`.", sc.Conns, sc.Pipeline, sc.Size, sc.Duration, sc.Conns, sc.Size, sc.Pipeline, sc.Duration)
		}
		out = append(out, sc)
	}
	return out
}

// churnWorkers is the number of connections in flight in the churn
// scenario.
const churnWorkers = 8

// runSuite runs the suite and writes the results file.
func runSuite(exe string, c suiteConfig) error {
	start := time.Now()
	if c.name != "issue9" {
		return fmt.Errorf("no suite %q (there is issue9)", c.name)
	}
	res := &report.Results{
		Version: report.Version, Suite: c.name, Command: c.commandRaw, Started: start,
		Go: runtime.Version(), Machine: procfs.ReadMachine(), Pinned: c.pin, Loops: 1,
		Reps: c.reps, Smoke: c.smoke, Servers: c.servers,
	}
	if c.pin {
		if runtime.NumCPU() < 2 || c.serverCPU == c.loadCPU {
			return errors.New("pinning needs two distinct CPUs (-server-cpu, -load-cpu); use -pin=false on one CPU")
		}
		if err := procfs.PinProcess(os.Getpid(), c.loadCPU); err != nil {
			return err
		}
		runtime.GOMAXPROCS(1)
		res.ServerCPU, res.LoadCPU = c.serverCPU, c.loadCPU
	}
	res.Scenarios = issue9(c)
	if len(res.Scenarios) == 0 {
		return fmt.Errorf("no scenario among %q (they are a to f)", c.scenarios)
	}
	log.Printf("compare: suite %s, %d scenarios × %d servers × %d repetitions; about %v",
		c.name, len(res.Scenarios), len(c.servers), c.reps, estimate(c, res.Scenarios).Round(time.Second))
	for rep := range c.reps {
		for si := range res.Scenarios {
			sc := &res.Scenarios[si]
			n := len(c.servers)
			for i := range n { // rotated, so that no server is always first or last
				name := c.servers[(i+rep+si)%n]
				run := measureScenario(exe, name, *sc, c)
				run.Rep, run.Order = rep+1, i+1
				if run.Err != "" {
					log.Printf("compare: (%s) %s, repetition %d: %s", sc.ID, name, rep+1, run.Err)
				}
				log.Printf("compare: (%s) repetition %d, %-8s %s", sc.ID, rep+1, name, brief(*sc, run))
				sc.Runs = append(sc.Runs, run)
			}
		}
	}
	res.Wall = time.Since(start)
	if err := os.MkdirAll(filepath.Dir(c.out), 0o755); err != nil {
		return err
	}
	if err := res.Save(c.out); err != nil {
		return err
	}
	log.Printf("compare: wrote %s in %v", c.out, res.Wall.Round(time.Second))
	return nil
}

// estimate is the expected wall time of the suite.
func estimate(c suiteConfig, scs []report.Scenario) time.Duration {
	var per time.Duration
	for _, sc := range scs {
		per += time.Second // the server's start, probe and stop
		switch sc.Kind {
		case report.Idle:
			per += sc.Duration + 2*time.Second + time.Duration(sc.Conns)*150*time.Microsecond
		default:
			per += sc.Duration
		}
	}
	return per * time.Duration(len(c.servers)*c.reps)
}

// brief is one line of progress.
func brief(sc report.Scenario, r report.Run) string {
	h, _ := report.Metrics(sc.Kind)
	v, ok := h.Value(r)
	if r.Err != "" || !ok {
		return "failed"
	}
	return fmt.Sprintf("%s: %.1f%s (CPUs %v)", h.Name, v, h.Unit, r.CPUs)
}

// server is a running child server.
type server struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	addr  string
	pid   int
}

// startServer starts the named server in a child process, pinned to
// c.serverCPU when c.pin, with one loop.
func startServer(exe, name string, c suiteConfig) (*server, error) {
	cmd := exec.Command(exe, "-serve", name, "-loops", "1", "-addr", "127.0.0.1:0")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if c.pin {
		err = procfs.StartPinned(c.serverCPU, cmd.Start)
	} else {
		err = cmd.Start()
	}
	if err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, stdin: stdin, pid: cmd.Process.Pid}
	addr, err := listening(stdout, 20*time.Second)
	if err != nil {
		s.stop()
		return nil, err
	}
	go io.Copy(io.Discard, stdout)
	s.addr = addr
	return s, nil
}

// stop closes the child's input, which stops it, and kills it if it has
// not stopped within 15 s.
func (s *server) stop() error {
	s.stdin.Close()
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case <-done:
		return nil
	case <-time.After(15 * time.Second):
		s.cmd.Process.Kill()
		<-done
		return errors.New("server did not stop within 15s; killed")
	}
}

// measureScenario runs sc once against a fresh server called name.
func measureScenario(exe, name string, sc report.Scenario, c suiteConfig) (run report.Run) {
	run.Server = name
	s, err := startServer(exe, name, c)
	if err != nil {
		run.Err = err.Error()
		return run
	}
	defer func() {
		if err := s.stop(); err != nil && run.Err == "" {
			run.Err = err.Error()
		}
	}()
	run.CPUs, _ = procfs.Allowed(s.pid)
	if c.pin && (len(run.CPUs) != 1 || run.CPUs[0] != c.serverCPU) {
		run.Err = fmt.Sprintf("server threads allowed on CPUs %v; want only %d", run.CPUs, c.serverCPU)
		return run
	}
	cpu := func() cpuTimes {
		u, sys, err := procfs.CPUTimes(s.pid)
		if err != nil && run.Err == "" {
			run.Err = err.Error()
		}
		return cpuTimes{u + sys, sys}
	}
	// spent records the server's CPU time from before to now as the run's.
	spent := func(before cpuTimes) {
		now := cpu()
		run.CPU, run.SysCPU = now.total-before.total, now.sys-before.sys
	}
	mem := func() procfs.Memory {
		m, err := procfs.ReadMemory(s.pid)
		if err != nil && run.Err == "" {
			run.Err = err.Error()
		}
		return m
	}
	fail := func(err error) {
		if err != nil && run.Err == "" {
			run.Err = err.Error()
		}
	}
	switch sc.Kind {
	case report.Idle:
		time.Sleep(300 * time.Millisecond) // let the server settle after its probe
		run.RSSBefore = mem().RSS
		before := cpu()
		r, err := load.Idle(load.IdleConfig{Addr: s.addr, Conns: sc.Conns, Hold: sc.Duration, Size: sc.Size,
			Held: func() { run.RSSIdle = mem().RSS }})
		fail(err)
		m := mem()
		run.RSSAfter, run.PeakRSS = m.RSS, m.Peak
		spent(before)
		run.Opened, run.Echoed, run.Elapsed = r.Opened, r.Echoed, r.Elapsed
	case report.Churn:
		run.TimeWait, _ = procfs.TimeWait()
		before := cpu()
		r, err := load.Churn(load.ChurnConfig{Addr: s.addr, Workers: sc.Conns, Duration: sc.Duration, Max: sc.Max, Size: sc.Size})
		spent(before)
		fail(err)
		run.Conns, run.Elapsed = r.Conns, r.Elapsed
		run.PeakRSS = mem().Peak
	default:
		var before cpuTimes
		cfg := load.Config{Addr: s.addr, Conns: sc.Conns, Size: sc.Size, Duration: sc.Duration, Pipeline: sc.Pipeline,
			Begin: func() { before = cpu() }, End: func() { spent(before) }}
		r, err := load.Run(cfg)
		fail(err)
		run.Msgs, run.Elapsed, run.P50, run.P99 = r.Msgs, r.Elapsed, r.P50, r.P99
		run.PeakRSS = mem().Peak
	}
	return run
}

// cpuTimes is a process's CPU time so far: user + system, and system.
type cpuTimes struct{ total, sys time.Duration }

// raiseNoFile raises the soft RLIMIT_NOFILE to the hard limit: a child
// that serves 10,000 connections needs them.
func raiseNoFile() {
	var lim syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim) == nil && lim.Cur < lim.Max {
		lim.Cur = lim.Max
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
	}
}
