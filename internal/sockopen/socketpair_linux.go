package sockopen

import "golang.org/x/sys/unix"

func socketpair(family, typ, proto int) ([2]int, error) {
	return unix.Socketpair(family, typ|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, proto)
}
