//go:build !race

package prockit

const raceEnabled = false
