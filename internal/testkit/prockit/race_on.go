//go:build race

package prockit

// raceEnabled builds the programs under test with the race detector when
// their tests run with it.
const raceEnabled = true
