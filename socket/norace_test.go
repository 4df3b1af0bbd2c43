//go:build !race

package socket_test

const raceOn = false
