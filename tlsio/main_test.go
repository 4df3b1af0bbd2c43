package tlsio_test

import (
	"os"
	"testing"

	"github.com/eddyio/eddy/internal/leaktest"
)

// TestMain fails the package if its tests leave a goroutine or an fd
// behind; it also runs the idle-connection test's client process.
func TestMain(m *testing.M) {
	if os.Getenv(idleClientEnv) != "" {
		os.Exit(idleClientMain())
	}
	os.Exit(leaktest.Check(m))
}
