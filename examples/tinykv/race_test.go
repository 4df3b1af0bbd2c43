//go:build race

package main

// raceEnabled builds the server under test with the race detector too; the
// load tests keep their full counts under it.
const raceEnabled = true
