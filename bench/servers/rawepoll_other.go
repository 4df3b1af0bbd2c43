//go:build !linux

package servers

import "errors"

// RawEpoll is the minimal epoll loop; it needs Linux.
func RawEpoll(string, int) (string, func(), error) {
	return "", nil, errors.New("rawepoll: needs Linux (epoll)")
}
