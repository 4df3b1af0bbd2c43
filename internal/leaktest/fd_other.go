//go:build !linux

package leaktest

import "errors"

// openFDs is not implemented off Linux: the fd checks are skipped there.
func openFDs() (map[int]string, error) {
	return nil, errors.New("leaktest: open fds are listed on Linux only")
}
