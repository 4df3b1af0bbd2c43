//go:build race

package socket

import (
	"runtime"
	"unsafe"
)

// raceEnabled: under the race detector, the stream sockets tell it that
// what a task did before a write happened before what the task that reads
// the bytes does after, as Go's own read and write (and x/sys's) do.
const raceEnabled = true

// ioSync is the race detector's token for the data that goes through the
// stream sockets of this package.
var ioSync int64

// raceBeforeWrite releases ioSync; the reader acquires it.
func raceBeforeWrite() { runtime.RaceReleaseMerge(unsafe.Pointer(&ioSync)) }

// raceWrote tells the race detector that the kernel read p.
func raceWrote(p []byte) {
	if len(p) > 0 {
		runtime.RaceReadRange(unsafe.Pointer(&p[0]), len(p))
	}
}

// raceAfterRead acquires ioSync.
func raceAfterRead() { runtime.RaceAcquire(unsafe.Pointer(&ioSync)) }
