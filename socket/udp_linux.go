package socket

import (
	"net"
	"net/netip"

	"golang.org/x/sys/unix"
)

// recvFlags makes recvmsg return a datagram's real length, even when it
// is longer than the buffer (Linux only).
const recvFlags = unix.MSG_TRUNC

// setIPv4Membership joins (or leaves) group on the interface ifi (nil: the
// system's choice) with an ip_mreqn, which names the interface by index.
func setIPv4Membership(fd int, ifi *net.Interface, group netip.Addr, join bool) error {
	mreq := &unix.IPMreqn{Multiaddr: group.As4()}
	if ifi != nil {
		mreq.Ifindex = int32(ifi.Index)
	}
	opt := unix.IP_ADD_MEMBERSHIP
	if !join {
		opt = unix.IP_DROP_MEMBERSHIP
	}
	return unix.SetsockoptIPMreqn(fd, unix.IPPROTO_IP, opt, mreq)
}
