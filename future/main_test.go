package future_test

import (
	"os"
	"testing"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/leaktest"
)

func TestMain(m *testing.M) { os.Exit(leaktest.Check(m)) }

// fakeExecutor records the futures spawned on it.
type fakeExecutor struct{ spawned []future.Future[struct{}] }

func (e *fakeExecutor) Spawn(f future.Future[struct{}]) { e.spawned = append(e.spawned, f) }
