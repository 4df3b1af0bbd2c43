//go:build race

package listener_test

// raceEnabled is set under the race detector, which allocates on its own.
const raceEnabled = true
