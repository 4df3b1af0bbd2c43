// Package report holds the results file that cmd/compare writes for a
// suite of scenarios, the statistics over its repetitions, and their
// rendering as markdown tables and SVG bar charts (cmd/report).
package report

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/eddyio/eddy/bench/procfs"
)

// Version is the version of the results file's format.
const Version = 1

// Results is one invocation of a suite: every run of every server in every
// scenario, with what is needed to say how they were measured.
type Results struct {
	Version   int            `json:"version"`
	Suite     string         `json:"suite"`
	Command   string         `json:"command"` // as typed, from bench/
	Started   time.Time      `json:"started"`
	Wall      time.Duration  `json:"wall_ns"` // the whole invocation
	Go        string         `json:"go"`
	Machine   procfs.Machine `json:"machine"`
	Pinned    bool           `json:"pinned"`
	ServerCPU int            `json:"server_cpu"` // when pinned
	LoadCPU   int            `json:"load_cpu"`   // when pinned
	Loops     int            `json:"loops"`      // event loops per server
	Reps      int            `json:"reps"`
	Smoke     bool           `json:"smoke"` // shortened settings: proves the harness, measures nothing
	Servers   []string       `json:"servers"`
	Scenarios []Scenario     `json:"scenarios"`
}

// The kinds of scenario.
const (
	Throughput = "throughput" // connections ping-pong messages for a while
	Latency    = "latency"    // one connection ping-pongs
	Idle       = "idle"       // many idle connections held, then one echo each
	Churn      = "churn"      // connect, one echo, close, over and over
)

// Scenario is one load and the runs of every server under it.
type Scenario struct {
	ID       string        `json:"id"` // "a", "b", ...
	Title    string        `json:"title"`
	Kind     string        `json:"kind"`
	Conns    int           `json:"conns"` // connections; churn: connections in flight
	Size     int           `json:"size"`  // bytes per message
	Pipeline int           `json:"pipeline,omitempty"`
	Duration time.Duration `json:"duration_ns"` // measured time (idle: the hold)
	Max      int           `json:"max,omitempty"`
	Load     string        `json:"load"` // the load, as a sentence
	Runs     []Run         `json:"runs"`
}

// Run is one measurement of one server: a fresh server process, loaded
// once.
type Run struct {
	Server  string        `json:"server"`
	Rep     int           `json:"rep"`   // 1-based repetition
	Order   int           `json:"order"` // 1-based position within the repetition
	Err     string        `json:"error,omitempty"`
	CPUs    []int         `json:"cpus,omitempty"` // the CPUs the server's threads were allowed
	CPU     time.Duration `json:"server_cpu_ns"`  // server user+system time while loaded
	SysCPU  time.Duration `json:"server_sys_ns"`  // the system part of CPU: the kernel, on the server's behalf
	Elapsed time.Duration `json:"elapsed_ns"`

	Msgs int64         `json:"msgs,omitempty"` // throughput, latency
	P50  time.Duration `json:"p50_ns,omitempty"`
	P99  time.Duration `json:"p99_ns,omitempty"`

	Opened    int   `json:"opened,omitempty"` // idle
	Echoed    int   `json:"echoed,omitempty"`
	RSSBefore int64 `json:"rss_before,omitempty"` // bytes, before any connection
	RSSIdle   int64 `json:"rss_idle,omitempty"`   // with every connection held idle
	RSSAfter  int64 `json:"rss_after,omitempty"`  // after the echoes
	PeakRSS   int64 `json:"peak_rss,omitempty"`   // VmHWM at the end of the run

	Conns    int64 `json:"conns,omitempty"`     // churn: connections completed
	TimeWait int   `json:"time_wait,omitempty"` // churn: TCP sockets in TIME_WAIT when it began
}

// Load reads a results file.
func Load(path string) (*Results, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Results
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if r.Version != Version {
		return nil, fmt.Errorf("%s: results format %d; this program reads %d", path, r.Version, Version)
	}
	return &r, nil
}

// Save writes r to path, indented.
func (r *Results) Save(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// Stats is a median with its range over the repetitions.
type Stats struct {
	Median, Min, Max float64
	N                int // values; 0 means none (every run failed)
}

// Summarize returns the median, minimum and maximum of vs; the median of
// an even count is the mean of the middle two.
func Summarize(vs []float64) Stats {
	if len(vs) == 0 {
		return Stats{}
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	n := len(s)
	med := s[n/2]
	if n%2 == 0 {
		med = (s[n/2-1] + s[n/2]) / 2
	}
	return Stats{Median: med, Min: s[0], Max: s[n-1], N: n}
}

// Metric is a figure computed from a run.
type Metric struct {
	Name   string // as a column heading
	Unit   string // after the value, in tables
	Higher bool   // higher is better
	Digits int    // decimals shown
	Value  func(Run) (float64, bool)
}

// kMsgsPerCPUSec is the headline of the throughput scenarios.
var kMsgsPerCPUSec = Metric{"k msgs per server CPU-second", "", true, 1, func(r Run) (float64, bool) {
	if r.CPU <= 0 || r.Msgs <= 0 {
		return 0, false
	}
	return float64(r.Msgs) / r.CPU.Seconds() / 1000, true
}}

var msgsPerSec = Metric{"msgs/s", "", true, 0, func(r Run) (float64, bool) {
	if r.Elapsed <= 0 {
		return 0, false
	}
	return float64(r.Msgs) / r.Elapsed.Seconds(), true
}}

func durMetric(name string, higher bool, f func(Run) time.Duration) Metric {
	return Metric{name, " µs", higher, 1, func(r Run) (float64, bool) {
		d := f(r)
		return float64(d) / float64(time.Microsecond), d > 0
	}}
}

var (
	p50 = durMetric("p50", false, func(r Run) time.Duration { return r.P50 })
	p99 = durMetric("p99", false, func(r Run) time.Duration { return r.P99 })
)

var bytesPerIdleConn = Metric{"bytes of server RSS per idle connection", " B", false, 0, func(r Run) (float64, bool) {
	if r.Opened <= 0 || r.RSSIdle <= 0 {
		return 0, false
	}
	return float64(r.RSSIdle-r.RSSBefore) / float64(r.Opened), true
}}

var bytesPerConnAfterEcho = Metric{"after the echoes, per connection", " B", false, 0, func(r Run) (float64, bool) {
	if r.Opened <= 0 || r.RSSAfter <= 0 {
		return 0, false
	}
	return float64(r.RSSAfter-r.RSSBefore) / float64(r.Opened), true
}}

var peakMiB = Metric{"peak RSS", " MiB", false, 1, func(r Run) (float64, bool) {
	return float64(r.PeakRSS) / (1 << 20), r.PeakRSS > 0
}}

var connsPerSec = Metric{"connections/s", "", true, 0, func(r Run) (float64, bool) {
	if r.Elapsed <= 0 || r.Conns <= 0 {
		return 0, false
	}
	return float64(r.Conns) / r.Elapsed.Seconds(), true
}}

// kernelShare is the part of the server's CPU time spent in the kernel.
var kernelShare = Metric{"kernel share of server CPU", " %", false, 0, func(r Run) (float64, bool) {
	if r.CPU <= 0 || r.SysCPU <= 0 {
		return 0, false
	}
	return 100 * float64(r.SysCPU) / float64(r.CPU), true
}}

// perUnit is a CPU time per unit of work (a message, a connection), in
// µs: cpu(r) ÷ n(r).
func perUnit(name string, digits int, cpu func(Run) time.Duration, n func(Run) int64) Metric {
	return Metric{name, " µs", false, digits, func(r Run) (float64, bool) {
		d, k := cpu(r), n(r)
		if d <= 0 || k <= 0 {
			return 0, false
		}
		return float64(d) / float64(time.Microsecond) / float64(k), true
	}}
}

func serverCPU(r Run) time.Duration { return r.CPU }
func kernelCPU(r Run) time.Duration { return r.SysCPU }
func msgs(r Run) int64              { return r.Msgs }
func conns(r Run) int64             { return r.Conns }

var (
	cpuPerConn    = perUnit("server CPU per accepted connection", 1, serverCPU, conns)
	kernelPerConn = perUnit("kernel µs per connection", 1, kernelCPU, conns)
	cpuPerMsg     = perUnit("server µs per message", 2, serverCPU, msgs)
	kernelPerMsg  = perUnit("kernel µs per message", 2, kernelCPU, msgs)
)

var timeWait = Metric{"TIME_WAIT sockets at start", "", false, 0, func(r Run) (float64, bool) {
	return float64(r.TimeWait), r.TimeWait > 0
}}

// Metrics returns the headline metric of a kind of scenario and the other
// figures its table shows.
func Metrics(kind string) (headline Metric, others []Metric) {
	switch kind {
	case Latency:
		return p99, []Metric{p50, msgsPerSec, kMsgsPerCPUSec}
	case Idle:
		return bytesPerIdleConn, []Metric{bytesPerConnAfterEcho, peakMiB}
	case Churn:
		return cpuPerConn, []Metric{connsPerSec, kernelShare, timeWait}
	default:
		return kMsgsPerCPUSec, []Metric{msgsPerSec, p50, p99, kernelShare}
	}
}

// Values returns m's value for each run of server in sc that succeeded,
// and the number of runs of server in all.
func Values(sc Scenario, server string, m Metric) (vs []float64, runs int) {
	for _, r := range sc.Runs {
		if r.Server != server {
			continue
		}
		runs++
		if r.Err != "" {
			continue
		}
		if v, ok := m.Value(r); ok {
			vs = append(vs, v)
		}
	}
	return vs, runs
}

// PairedAdvantage is [Advantage] taken within each repetition of sc:
// server a's run against server b's of the same repetition, oriented as
// Advantage, then summarised over the repetitions where both succeeded.
// Runs of one repetition are minutes apart at most, so a drift of the
// machine's speed over the whole suite (which can pair a fast run of one
// server with a slow run of the other in a ratio of medians) cancels out.
// ok is false when no repetition has both.
func PairedAdvantage(sc Scenario, a, b string, m Metric) (Stats, bool) {
	byRep := func(server string) map[int]float64 {
		vs := map[int]float64{}
		for _, r := range sc.Runs {
			if r.Server != server || r.Err != "" {
				continue
			}
			if v, ok := m.Value(r); ok && v > 0 {
				vs[r.Rep] = v
			}
		}
		return vs
	}
	av, bv := byRep(a), byRep(b)
	var ratios []float64
	for rep, x := range av {
		y, ok := bv[rep]
		if !ok {
			continue
		}
		if m.Higher {
			ratios = append(ratios, x/y)
		} else {
			ratios = append(ratios, y/x)
		}
	}
	if len(ratios) == 0 {
		return Stats{}, false
	}
	return Summarize(ratios), true
}

// Advantage says how much better a is than b on m: a ÷ b when higher is
// better, b ÷ a when lower is; above 1, a is better. ok is false when
// either is missing or zero.
func Advantage(m Metric, a, b Stats) (float64, bool) {
	if a.N == 0 || b.N == 0 || a.Median <= 0 || b.Median <= 0 {
		return 0, false
	}
	if m.Higher {
		return a.Median / b.Median, true
	}
	return b.Median / a.Median, true
}
