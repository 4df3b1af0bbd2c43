package sockaddr

import "golang.org/x/sys/unix"

// abstractNames: Linux has an abstract socket namespace ("@name").
const abstractNames = true

func socketpair(family, typ, proto int) ([2]int, error) {
	return unix.Socketpair(family, typ|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, proto)
}
