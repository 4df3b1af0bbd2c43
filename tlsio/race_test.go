//go:build race

package tlsio_test

// raceOn is set under the race detector, which slows the idle test past
// its time budget.
const raceOn = true
