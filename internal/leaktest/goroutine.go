package leaktest

import (
	"bytes"
	"runtime"
	"strconv"
	"strings"
)

// goroutines returns the ids of the goroutines running now.
func goroutines() map[uint64]bool {
	ids := make(map[uint64]bool)
	for id := range goroutineStacks() {
		ids[id] = true
	}
	return ids
}

// goroutineStacks returns the stack of every goroutine but the caller's,
// keyed by goroutine id.
func goroutineStacks() map[uint64]string {
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	stacks := make(map[uint64]string)
	for i, g := range bytes.Split(buf, []byte("\n\n")) {
		if i == 0 {
			continue // the calling goroutine comes first
		}
		if id, ok := goroutineID(g); ok {
			stacks[id] = string(bytes.TrimSpace(g))
		}
	}
	return stacks
}

// goroutineID parses the id from a stack's "goroutine 42 [running]:" line.
func goroutineID(stack []byte) (uint64, bool) {
	rest, ok := bytes.CutPrefix(stack, []byte("goroutine "))
	if !ok {
		return 0, false
	}
	num, _, ok := bytes.Cut(rest, []byte(" "))
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseUint(string(num), 10, 64)
	return id, err == nil
}

// ignoredFrames mark goroutines that the runtime, the testing package or the
// standard library start on their own and keep for the life of the process.
var ignoredFrames = []string{
	"os/signal.signal_recv",
	"os/signal.loop",
	"runtime.ensureSigM",
	"testing.(*M).",
	"testing.runFuzz",
	"testing.tRunner.func",
	"created by runtime/trace",
	"created by runtime.gc",
	"runtime/coverage.",
	"internal/coverage.",
}

func ignored(stack string) bool {
	for _, f := range ignoredFrames {
		if strings.Contains(stack, f) {
			return true
		}
	}
	return false
}
