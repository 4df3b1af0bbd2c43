//go:build linux

package torture

import (
	"flag"
	"os"
	"testing"

	"github.com/eddyio/eddy/internal/leaktest"
)

// full selects the full-scale form of every scenario; without it (plain
// `go test ./...`) each runs scaled down to seconds.
var full = flag.Bool("full", os.Getenv("EDDY_TORTURE_FULL") != "", "run the full-scale scenarios (also EDDY_TORTURE_FULL=1)")

// TestMain runs the echo server when the binary was started as one (see
// startServer), and the suite otherwise, failing it if a test leaves a
// goroutine or a descriptor behind in this process.
func TestMain(m *testing.M) {
	if spec, ok := os.LookupEnv(serverEnv); ok {
		os.Exit(serverMain(spec))
	}
	os.Exit(leaktest.Check(m))
}

// scale picks the figure of the running form.
func scale(short, fullScale int) int {
	if *full {
		return fullScale
	}
	return short
}
