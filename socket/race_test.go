//go:build race

package socket_test

// raceOn is set under the race detector, whose sync.Pool drops a share of
// what is put in it on purpose: pooled buffers are then reallocated.
const raceOn = true
