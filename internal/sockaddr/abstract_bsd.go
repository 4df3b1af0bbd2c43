//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package sockaddr

// abstractNames: only Linux has an abstract socket namespace.
const abstractNames = false
