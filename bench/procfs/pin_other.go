//go:build !linux

package procfs

import "errors"

var errNoProc = errors.New("procfs: CPU pinning needs Linux")

func uname() string { return "" }

// Tasks lists the thread ids of process pid; Linux only.
func Tasks(int) ([]int, error) { return nil, errNoProc }

// PinProcess restricts every thread of process pid to cpu; Linux only.
func PinProcess(int, int) error { return errNoProc }

// StartPinned runs start from a thread restricted to cpu; Linux only.
func StartPinned(int, func() error) error { return errNoProc }

// Allowed returns the CPUs process pid may run on; Linux only.
func Allowed(int) ([]int, error) { return nil, errNoProc }
