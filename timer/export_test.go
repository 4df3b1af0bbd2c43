package timer

import (
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/internal/wheel"
)

// TimersArmed returns the number of timers armed on l. Loop goroutine only
// (or while l is not driven).
func TimersArmed(l *driver.Loop) int {
	w, err := wheel.OfExecutor(l)
	if err != nil {
		panic(err)
	}
	return w.Len()
}
