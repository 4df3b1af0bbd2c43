//go:build !race

package tlsio_test

const raceOn = false
