// Command report turns a results file of cmd/compare into
// docs/benchmarks.md (method, machine, tables, ratios, targets) and one SVG
// bar chart per scenario in docs/benchmarks/:
//
//	go run ./cmd/report -in results/issue9.json
//
// The text between the analysis markers of an existing page is kept.
package main

import (
	"flag"
	"log"
	"os"
	"path/filepath"
	"sort"

	"github.com/eddyio/eddy/bench/report"
)

func main() {
	in := flag.String("in", "results/issue9.json", "the results file written by cmd/compare")
	md := flag.String("md", "../docs/benchmarks.md", "the page to write")
	svgDir := flag.String("svg", "../docs/benchmarks", "the directory of the charts")
	flag.Parse()
	log.SetFlags(0)
	r, err := report.Load(*in)
	if err != nil {
		log.Fatalf("report: %v", err)
	}
	if err := os.MkdirAll(*svgDir, 0o755); err != nil {
		log.Fatalf("report: %v", err)
	}
	charts := report.Charts(r)
	names := make([]string, 0, len(charts))
	for name := range charts {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		f, err := os.Create(filepath.Join(*svgDir, name))
		if err != nil {
			log.Fatalf("report: %v", err)
		}
		err = charts[name].WriteSVG(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			log.Fatalf("report: %v", err)
		}
	}
	var analysis string
	if old, err := os.ReadFile(*md); err == nil {
		analysis = report.ExtractAnalysis(string(old))
	}
	rel, err := filepath.Rel(filepath.Dir(*md), *svgDir)
	if err != nil {
		rel = *svgDir
	}
	page := report.Markdown(r, filepath.ToSlash(rel), analysis)
	if err := os.WriteFile(*md, []byte(page), 0o644); err != nil {
		log.Fatalf("report: %v", err)
	}
	log.Printf("report: wrote %s and %d charts in %s", *md, len(charts), *svgDir)
}
