package socket

import "golang.org/x/sys/unix"

// keepIdleOpt is the option for the idle time before the first probe.
const (
	keepIdleOpt  = unix.TCP_KEEPALIVE
	keepIntvlOpt = unix.TCP_KEEPINTVL
)
