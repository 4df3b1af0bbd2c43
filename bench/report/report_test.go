package report

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestSummarize(t *testing.T) {
	tests := []struct {
		in   []float64
		want Stats
	}{
		{nil, Stats{}},
		{[]float64{5}, Stats{5, 5, 5, 1}},
		{[]float64{3, 1, 2}, Stats{2, 1, 3, 3}},
		{[]float64{4, 1, 3, 2}, Stats{2.5, 1, 4, 4}},
		{[]float64{7, 7, 1, 9, 7}, Stats{7, 1, 9, 5}},
	}
	for _, tc := range tests {
		in := append([]float64(nil), tc.in...)
		if got := Summarize(tc.in); got != tc.want {
			t.Errorf("Summarize(%v) = %+v; want %+v", tc.in, got, tc.want)
		}
		if !cmp.Equal(in, tc.in) {
			t.Errorf("Summarize reordered its input: %v; was %v", tc.in, in)
		}
	}
}

func TestAdvantage(t *testing.T) {
	a, b := Stats{Median: 90, N: 3}, Stats{Median: 60, N: 3}
	if got, ok := Advantage(Metric{Higher: true}, a, b); !ok || got != 1.5 {
		t.Errorf("Advantage(higher) = %v, %v; want 1.5", got, ok)
	}
	if got, ok := Advantage(Metric{Higher: false}, b, a); !ok || got != 1.5 {
		t.Errorf("Advantage(lower) = %v, %v; want 1.5", got, ok)
	}
	if _, ok := Advantage(Metric{}, a, Stats{}); ok {
		t.Errorf("Advantage(no figure) ok; want not ok")
	}
}

// TestPairedAdvantage takes the ratio within each repetition: a machine
// twice as fast in repetition 2 makes the ratio of medians say 2, the
// paired ratio 1; a failed run leaves its repetition out, and a lower-is-
// better metric is oriented as Advantage.
func TestPairedAdvantage(t *testing.T) {
	m := Metric{Higher: true, Value: func(r Run) (float64, bool) { return float64(r.Msgs), r.Msgs > 0 }}
	sc := Scenario{Runs: []Run{
		{Server: "eddy", Rep: 1, Msgs: 50}, {Server: "peer", Rep: 1, Msgs: 50},
		{Server: "eddy", Rep: 2, Msgs: 100}, {Server: "peer", Rep: 2, Msgs: 100},
		{Server: "eddy", Rep: 3, Msgs: 100}, {Server: "peer", Rep: 3, Err: "load failed"},
		{Server: "eddy", Rep: 4, Msgs: 100}, {Server: "peer", Rep: 4, Msgs: 50},
	}}
	got, ok := PairedAdvantage(sc, "eddy", "peer", m)
	if want := (Stats{Median: 1, Min: 1, Max: 2, N: 3}); !ok || got != want {
		t.Errorf("PairedAdvantage(higher) = %+v, %v; want %+v", got, ok, want)
	}
	lower := m
	lower.Higher = false
	if got, ok := PairedAdvantage(sc, "eddy", "peer", lower); !ok || got.Min != 0.5 || got.Max != 1 {
		t.Errorf("PairedAdvantage(lower) = %+v, %v; want 0.5 to 1", got, ok)
	}
	if _, ok := PairedAdvantage(sc, "eddy", "nobody", m); ok {
		t.Errorf("PairedAdvantage(no common repetition) ok; want not ok")
	}
}

func TestMetrics(t *testing.T) {
	r := Run{CPU: 2 * time.Second, Elapsed: 4 * time.Second, Msgs: 100000, Opened: 1000,
		RSSBefore: 1 << 20, RSSIdle: 1<<20 + 987000, RSSAfter: 1<<20 + 2000000, Conns: 4000}
	check := func(m Metric, want float64) {
		t.Helper()
		if got, ok := m.Value(r); !ok || math.Abs(got-want) > 1e-9 {
			t.Errorf("%s = %v, %v; want %v", m.Name, got, ok, want)
		}
	}
	check(kMsgsPerCPUSec, 50)
	check(msgsPerSec, 25000)
	check(bytesPerIdleConn, 987)
	check(bytesPerConnAfterEcho, 2000)
	check(cpuPerConn, 500)
	r.SysCPU = 1500 * time.Millisecond
	check(kernelShare, 75)
	check(kernelPerMsg, 15)
	check(cpuPerMsg, 20)
	check(kernelPerConn, 375)
	if _, ok := kernelShare.Value(Run{CPU: time.Second}); ok {
		t.Errorf("kernel share with no system time recorded: ok; want no figure")
	}
	if _, ok := kMsgsPerCPUSec.Value(Run{Msgs: 5}); ok {
		t.Errorf("k msgs per CPU-second with no CPU time: ok; want no figure")
	}
}

// sample is a small results file: two servers and the reference, one
// throughput and one idle scenario, two repetitions, one failed run.
func sample() *Results {
	thr := Scenario{ID: "a", Title: "50 conns × 64 B", Kind: Throughput, Conns: 50, Size: 64, Pipeline: 1, Load: "50 connections"}
	idle := Scenario{ID: "d", Title: "10,000 idle <conns> & \"echo\"", Kind: Idle, Conns: 100, Size: 64, Load: "idle"}
	for rep := 1; rep <= 2; rep++ {
		for i, s := range []string{"eddy", "gnet", "rawepoll"} {
			k := int64(i + rep)
			thr.Runs = append(thr.Runs, Run{Server: s, Rep: rep, Order: i + 1, CPU: time.Second, SysCPU: 750 * time.Millisecond, Elapsed: time.Second, Msgs: 10000 * k})
			run := Run{Server: s, Rep: rep, Order: i + 1, Opened: 100, Echoed: 100, RSSBefore: 1000, RSSIdle: 1000 + 100*400*k}
			if s == "gnet" && rep == 2 {
				run = Run{Server: s, Rep: rep, Err: "load: dial 5 of 100: refused | oops"}
			}
			idle.Runs = append(idle.Runs, run)
		}
	}
	return &Results{Version: Version, Suite: "issue9", Command: "go run ./cmd/compare -suite issue9", Reps: 2, Loops: 1,
		Pinned: true, ServerCPU: 0, LoadCPU: 1, Servers: []string{"eddy", "gnet", "rawepoll"}, Scenarios: []Scenario{thr, idle}}
}

func TestResultsRoundTrip(t *testing.T) {
	r := sample()
	path := filepath.Join(t.TempDir(), "r.json")
	if err := r.Save(path); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(r, got); diff != "" {
		t.Errorf("Load(Save(r)) differs (-want +got):\n%s", diff)
	}
}

// wellFormed decodes every token of an XML document.
func wellFormed(t *testing.T, doc []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v\n%s", err, doc)
		}
	}
}

func TestChartsSVG(t *testing.T) {
	charts := Charts(sample())
	if len(charts) != 2 {
		t.Fatalf("Charts() = %d charts; want 2", len(charts))
	}
	for name, c := range charts {
		var b bytes.Buffer
		if err := c.WriteSVG(&b); err != nil {
			t.Fatal(err)
		}
		wellFormed(t, b.Bytes())
		svg := b.String()
		if !strings.HasPrefix(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"") {
			t.Errorf("%s: does not start with an svg element", name)
		}
		if n := strings.Count(svg, `fill="`+highlightFill+`"`); n != 1 {
			t.Errorf("%s: %d bars in the highlight colour; want 1 (eddy)", name, n)
		}
		if n := strings.Count(svg, "<title>"); n != 3 {
			t.Errorf("%s: %d bars; want 3", name, n)
		}
	}
	// The idle chart's title has markup characters: escaped.
	var b bytes.Buffer
	charts["scenario-d.svg"].WriteSVG(&b)
	if !strings.Contains(b.String(), "&lt;conns&gt; &amp; &#34;echo&#34;") {
		t.Errorf("title not escaped in:\n%s", b.String())
	}
}

func TestChartEmptyAndFailed(t *testing.T) {
	for _, c := range []Chart{{Title: "none"}, {Title: "failed", Bars: []Bar{{Label: "x"}}}} {
		var b bytes.Buffer
		if err := c.WriteSVG(&b); err != nil {
			t.Fatal(err)
		}
		wellFormed(t, b.Bytes())
	}
}

func TestNiceStepAndNum(t *testing.T) {
	for _, tc := range []struct{ in, want float64 }{{0, 1}, {0.3, 0.5}, {1, 1}, {1.1, 2}, {2.2, 2.5}, {3, 5}, {7, 10}, {12, 20}, {240, 250}} {
		if got := niceStep(tc.in); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("niceStep(%v) = %v; want %v", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct {
		v    float64
		d    int
		want string
	}{{0, 0, "0"}, {987.4, 0, "987"}, {12345.678, 1, "12\u202f345.7"}, {-1234, 0, "-1\u202f234"}, {1000000, 0, "1\u202f000\u202f000"}} {
		if got := num(tc.v, tc.d); got != tc.want {
			t.Errorf("num(%v, %d) = %q; want %q", tc.v, tc.d, got, tc.want)
		}
	}
}

func TestFloors(t *testing.T) {
	r := sample()
	// eddy: 100 and 50 µs per message, three quarters in the kernel;
	// gnet, the best peer: 50 and 33.3 µs.
	want := []Floor{{What: "(a) 50 conns × 64 B, per message", Eddy: "75.00 µs", EddyKernel: "56.25 µs (75%)",
		Best: "41.67 µs (gnet)", BestKernel: "31.25 µs (75%)", Ceiling: "0.74 ×", Target: "1.20 ×"}}
	if diff := cmp.Diff(want, Floors(r)); diff != "" {
		t.Errorf("Floors() differs (-want +got):\n%s", diff)
	}
	if page := Markdown(r, "benchmarks", ""); !strings.Contains(page, "| (a) 50 conns × 64 B, per message | 75.00 µs | 56.25 µs (75%) |") {
		t.Errorf("page lacks the kernel's part:\n%s", page)
	}
	for i := range r.Scenarios[0].Runs {
		r.Scenarios[0].Runs[i].SysCPU = 0 // a results file from before system time was recorded
	}
	if got := Floors(r); len(got) != 0 {
		t.Errorf("Floors() with no system times = %v; want none", got)
	}
}

func TestMarkdown(t *testing.T) {
	r := sample()
	page := Markdown(r, "benchmarks", "")
	mustContain := []string{
		"| **eddy** | **15.0** (10.0–20.0) |",
		"![(a) 50 conns × 64 B](benchmarks/scenario-a.svg)",
		"- gnet, repetition 2: load: dial 5 of 100: refused \\| oops",
		"| gnet | **800** | – | – | 100 of 100 (worst run) | 1 of 2 |",
		"| (a) 50 conns × 64 B | k msgs per server CPU-second | 0.60 | 0.43 |",
		"missed: 0.60 × best peer",
		AnalysisBegin, AnalysisEnd, "TODO (lead)",
	}
	for _, want := range mustContain {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q:\n%s", want, page)
		}
	}
	// The lead's analysis survives a regeneration.
	mine := "The profile shows X."
	edited := strings.Replace(page, "**TODO (lead)", mine+"\n**TODO (lead)", 1)
	got := ExtractAnalysis(edited)
	if !strings.HasPrefix(got, mine) {
		t.Fatalf("ExtractAnalysis() = %q; want it to start with %q", got, mine)
	}
	again := Markdown(r, "benchmarks", got)
	if ExtractAnalysis(again) != got {
		t.Errorf("regenerated page lost the analysis")
	}
	if ExtractAnalysis("no markers") != "" {
		t.Errorf("ExtractAnalysis(no markers) not empty")
	}
}
