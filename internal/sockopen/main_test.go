package sockopen

import (
	"os"
	"testing"

	"github.com/eddyio/eddy/internal/leaktest"
)

// TestMain fails the package if its tests leave a goroutine or an fd behind.
func TestMain(m *testing.M) { os.Exit(leaktest.Check(m)) }
