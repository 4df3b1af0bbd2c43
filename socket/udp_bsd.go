//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package socket

import (
	"net"
	"net/netip"

	"golang.org/x/sys/unix"
)

// recvFlags: the BSDs report truncation (MSG_TRUNC in the returned flags)
// but not the real length.
const recvFlags = 0

// setIPv4Membership joins (or leaves) group on the interface ifi (nil: the
// system's choice) with an ip_mreq, which names the interface by one of its
// IPv4 addresses.
func setIPv4Membership(fd int, ifi *net.Interface, group netip.Addr, join bool) error {
	mreq := &unix.IPMreq{Multiaddr: group.As4()}
	if ifi != nil {
		addrs, err := ifi.Addrs()
		if err != nil {
			return err
		}
		for _, a := range addrs {
			if ipn, ok := a.(*net.IPNet); ok {
				if ip4 := ipn.IP.To4(); ip4 != nil {
					copy(mreq.Interface[:], ip4)
					break
				}
			}
		}
	}
	opt := unix.IP_ADD_MEMBERSHIP
	if !join {
		opt = unix.IP_DROP_MEMBERSHIP
	}
	return unix.SetsockoptIPMreq(fd, unix.IPPROTO_IP, opt, mreq)
}
