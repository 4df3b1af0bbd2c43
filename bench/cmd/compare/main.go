// Command compare runs the echo load generator against each echo server in
// turn, with the same settings, and prints a markdown table per number of
// connections, with the ratio of eddy's throughput to each server's:
//
//	go run ./cmd/compare -duration 5s
//
// With -suite it runs a suite of scenarios instead (issue9: throughput,
// idle connections, churn, latency), with one loop per server, the server
// and the load generator pinned to different CPUs, the servers rotated
// within each repetition, and writes a results file for cmd/report:
//
//	go run ./cmd/compare -suite issue9 -out results/issue9.json
//
// Each server runs in a child process of its own (this program, re-run
// with -serve), on 127.0.0.1 with a port the kernel picks, so that no
// server inherits another's goroutines, pollers or garbage; the load
// generator runs in this process. The child is stopped after each run.
// The CPU time the server used while loaded (read from /proc on Linux) is
// reported per message.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/eddyio/eddy/bench/load"
	"github.com/eddyio/eddy/bench/procfs"
	"github.com/eddyio/eddy/bench/servers"
)

func main() {
	var (
		serve    = flag.String("serve", "", "run as the child that serves with this server (internal)")
		addr     = flag.String("addr", "127.0.0.1:0", "with -serve: the address to listen on")
		conns    = flag.String("conns", "1,100,1000", "comma-separated connection counts, one table each")
		names    = flag.String("servers", "eddy,net,gnet,netpoll,nbio,evio,rawepoll", "comma-separated servers, eddy first")
		loops    = flag.Int("loops", runtime.NumCPU(), "event loops per server (one per core)")
		size     = flag.Int("size", 64, "bytes per message")
		duration = flag.Duration("duration", 5*time.Second, "how long each measurement lasts (at most 60s; with -suite, 3s unless set)")
		pipeline = flag.Int("pipeline", 1, "messages in flight per connection")
		runs     = flag.Int("runs", 1, "measurements of each server, interleaved (at most 5)")

		suite     = flag.String("suite", "", "run a suite of scenarios and write a results file: issue9")
		reps      = flag.Int("reps", 3, "with -suite: repetitions, servers rotated within each (1 to 9)")
		pin       = flag.Bool("pin", true, "with -suite: pin each server to -server-cpu and the load generator to -load-cpu")
		serverCPU = flag.Int("server-cpu", 0, "with -suite and -pin: the server's CPU")
		loadCPU   = flag.Int("load-cpu", 1, "with -suite and -pin: the load generator's CPU")
		scenarios = flag.String("scenarios", "abcdef", "with -suite: the scenarios to run")
		idleConns = flag.Int("idle-conns", 10000, "with -suite: idle connections of scenario d (at most 9,000 below the hard RLIMIT_NOFILE)")
		idleHold  = flag.Duration("idle-hold", 3*time.Second, "with -suite: how long scenario d holds them idle (at most 60s)")
		churnMax  = flag.Int("churn-max", 20000, "with -suite: connections of scenario e, at most, per run")
		out       = flag.String("out", "results/issue9.json", "with -suite: the results file")
		smoke     = flag.Bool("smoke", false, "with -suite: a short run that proves the harness works: 1 repetition, 1s per scenario, 2,000 idle connections held 1s, unless set")
	)
	flag.Parse()
	log.SetFlags(0)
	if *serve != "" {
		raiseNoFile()
		if err := child(*serve, *addr, *loops); err != nil {
			log.Fatal(err)
		}
		return
	}
	if *suite != "" {
		set := map[string]bool{}
		flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
		c := suiteConfig{name: *suite, servers: strings.Split(*names, ","), scenarios: *scenarios,
			reps: min(max(*reps, 1), 9), duration: min(*duration, load.MaxDuration),
			idleConns: *idleConns, idleHold: min(*idleHold, load.MaxDuration), churnMax: max(*churnMax, 1),
			pin: *pin, serverCPU: *serverCPU, loadCPU: *loadCPU, out: *out,
			commandRaw: "go run ./cmd/compare " + strings.Join(os.Args[1:], " ")}
		if !set["duration"] {
			c.duration = 3 * time.Second
		}
		if *smoke {
			if !set["reps"] {
				c.reps = 1
			}
			if !set["duration"] {
				c.duration = time.Second
			}
			if !set["idle-conns"] {
				c.idleConns = 2000
			}
			if !set["idle-hold"] {
				c.idleHold = time.Second
			}
		}
		c.smoke = *smoke || c.reps < 3 || c.duration < 2*time.Second || c.idleConns < 10000
		for _, n := range c.servers {
			if _, ok := servers.Lookup(n); !ok {
				log.Fatalf("compare: no server %q", n)
			}
		}
		if c.idleConns <= 0 {
			log.Fatalf("compare: -idle-conns must be positive")
		}
		raiseNoFile()
		exe, err := os.Executable()
		if err != nil {
			log.Fatal(err)
		}
		if err := runSuite(exe, c); err != nil {
			log.Fatalf("compare: %v", err)
		}
		return
	}
	counts, err := parseInts(*conns)
	if err != nil {
		log.Fatalf("compare: -conns: %v", err)
	}
	list := strings.Split(*names, ",")
	for _, n := range list {
		if _, ok := servers.Lookup(n); !ok {
			log.Fatalf("compare: no server %q", n)
		}
	}
	exe, err := os.Executable()
	if err != nil {
		log.Fatal(err)
	}
	*runs = min(max(*runs, 1), 5)
	base := load.Config{Size: *size, Duration: min(*duration, load.MaxDuration), Pipeline: *pipeline}

	fmt.Printf("command: go run ./cmd/compare %s\n\n", strings.Join(os.Args[1:], " "))
	fmt.Printf("machine: %d cores (%s), %s, GOMAXPROCS %d in the client and each server, %d loops per server\n",
		runtime.NumCPU(), cpuModel(), runtime.Version(), runtime.GOMAXPROCS(0), *loops)
	for _, n := range counts {
		cfg := base
		cfg.Conns = n
		table(exe, list, *loops, *runs, cfg)
	}
}

// measurement is one run of the load against one server.
type measurement struct {
	res load.Result
	cpu time.Duration // the server's user and system time while loaded
	err error
}

// table measures every server runs times with cfg and prints the table.
func table(exe string, list []string, loops, runs int, cfg load.Config) {
	fmt.Printf("\n### %d connections, %d-byte messages, pipeline %d, %v per run\n\n",
		cfg.Conns, cfg.Size, cfg.Pipeline, cfg.Duration)
	fmt.Printf("load: go run ./cmd/echoload -addr ADDR -conns %d -size %d -pipeline %d -duration %v\n\n",
		cfg.Conns, cfg.Size, cfg.Pipeline, cfg.Duration)
	got := make(map[string][]measurement)
	for range runs { // interleaved, so that drift hits every server alike
		for _, name := range list {
			m := measure(exe, name, loops, cfg)
			if m.err != nil {
				log.Printf("compare: %s, %d conns: %v", name, cfg.Conns, m.err)
			}
			got[name] = append(got[name], m)
		}
	}
	fmt.Println("| server | run | msgs/s | MB/s | p50 | p99 | server CPU per msg | eddy ÷ server (msgs/s) |")
	fmt.Println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, name := range list {
		for r, m := range got[name] {
			if m.err != nil {
				fmt.Printf("| %s | %d | failed: %v | | | | | |\n", name, r+1, m.err)
				continue
			}
			ratio := "–"
			if e := got["eddy"]; len(e) > r && e[r].err == nil {
				ratio = fmt.Sprintf("%.2f", e[r].res.MsgsPerSec()/m.res.MsgsPerSec())
			}
			fmt.Printf("| %s | %d | %.0f | %.2f | %s | %s | %s | %s |\n", name, r+1,
				m.res.MsgsPerSec(), m.res.MBPerSec(), latency(m.res.P50), latency(m.res.P99),
				micros(m.cpu/time.Duration(max(m.res.Msgs, 1))), ratio)
		}
	}
}

// measure starts the server in a child process, loads it, and stops it.
func measure(exe, name string, loops int, cfg load.Config) (m measurement) {
	cmd := exec.Command(exe, "-serve", name, "-loops", strconv.Itoa(loops), "-addr", "127.0.0.1:0")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return measurement{err: err}
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return measurement{err: err}
	}
	if err := cmd.Start(); err != nil {
		return measurement{err: err}
	}
	defer func() {
		stdin.Close() // the child stops when its input closes
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			<-done
			if m.err == nil {
				m.err = errors.New("server did not stop within 15s; killed")
			}
		}
		if m.cpu == 0 { // no /proc: the whole life of the child
			m.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		}
	}()
	addr, err := listening(stdout, 20*time.Second)
	if err != nil {
		return measurement{err: err}
	}
	go io.Copy(io.Discard, stdout)
	cfg.Addr = addr
	var before, after time.Duration
	var okBefore, okAfter bool
	cfg.Begin = func() { before, okBefore = cpuTime(cmd.Process.Pid) }
	cfg.End = func() { after, okAfter = cpuTime(cmd.Process.Pid) }
	res, err := load.Run(cfg)
	m = measurement{res: res, err: err}
	if okBefore && okAfter {
		m.cpu = after - before
	}
	return m
}

// cpuTime returns the user and system time process pid has used so far,
// from /proc (Linux), with a resolution of 10 ms.
func cpuTime(pid int) (time.Duration, bool) {
	d, err := procfs.CPUTime(pid)
	return d, err == nil
}

// listening reads the child's "listening on ADDR" line.
func listening(r io.Reader, timeout time.Duration) (string, error) {
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- s
	}()
	select {
	case s := <-line:
		addr, ok := strings.CutPrefix(strings.TrimSpace(s), "listening on ")
		if !ok {
			return "", fmt.Errorf("server said %q; want \"listening on ADDR\"", s)
		}
		return addr, nil
	case <-time.After(timeout):
		return "", fmt.Errorf("server not listening after %v", timeout)
	}
}

// child serves with the named server until standard input closes.
func child(name, addr string, loops int) error {
	s, ok := servers.Lookup(name)
	if !ok {
		return fmt.Errorf("compare: no server %q", name)
	}
	quit := make(chan struct{})
	go func() {
		io.Copy(io.Discard, os.Stdin)
		close(quit)
	}()
	return servers.Serve(s, addr, loops, os.Stdout, quit)
}

func parseInts(s string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("%q is not a positive count", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// latency formats d in µs, or in ms from 10 ms up.
func latency(d time.Duration) string {
	if d >= 10*time.Millisecond {
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	}
	return micros(d)
}

func micros(d time.Duration) string {
	return fmt.Sprintf("%.1f µs", float64(d)/float64(time.Microsecond))
}

// cpuModel returns the CPU's model name from /proc/cpuinfo, or "unknown CPU".
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for line := range strings.Lines(string(b)) {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}
