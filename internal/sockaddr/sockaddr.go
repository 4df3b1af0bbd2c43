// Package sockaddr converts between the addresses of package net and the
// socket addresses of golang.org/x/sys/unix, and asks a socket its own and
// its peer's address. It opens nothing: opening and binding sockets is
// package sockopen's job, duplicating descriptors sockdup's, and the socket
// file of a bound Unix socket sockfile's.
package sockaddr

import (
	"fmt"
	"net"
	"net/netip"

	"golang.org/x/sys/unix"
)

// FromTCP returns the unix socket address and address family of a. A nil
// IP is the unspecified IPv6 address; an IP that is neither 4 nor 16
// bytes long is an error, as in package net, not the unspecified address
// (which would bind every interface, or connect to this host).
func FromTCP(a *net.TCPAddr) (unix.Sockaddr, int, error) {
	return fromIPPort(a.IP, a.Port, a.Zone)
}

// FromUDP returns the unix socket address and address family of a, as
// FromTCP does.
func FromUDP(a *net.UDPAddr) (unix.Sockaddr, int, error) {
	return fromIPPort(a.IP, a.Port, a.Zone)
}

func fromIPPort(ip net.IP, port int, zone string) (unix.Sockaddr, int, error) {
	if len(ip) != 0 && len(ip) != net.IPv4len && len(ip) != net.IPv6len {
		return nil, 0, &net.AddrError{Err: "invalid IP address", Addr: fmt.Sprint([]byte(ip))}
	}
	if ip4 := ip.To4(); ip4 != nil {
		sa := &unix.SockaddrInet4{Port: port}
		copy(sa.Addr[:], ip4)
		return sa, unix.AF_INET, nil
	}
	sa := &unix.SockaddrInet6{Port: port}
	if ip == nil {
		ip = net.IPv6unspecified
	}
	copy(sa.Addr[:], ip.To16())
	if zone != "" {
		sa.ZoneId, _ = ZoneIndex(zone)
	}
	return sa, unix.AF_INET6, nil
}

// ToTCP converts a unix socket address to a *net.TCPAddr (nil if it is not
// an internet address).
func ToTCP(sa unix.Sockaddr) *net.TCPAddr {
	ip, port, zone, ok := toIPPort(sa)
	if !ok {
		return nil
	}
	return &net.TCPAddr{IP: ip, Port: port, Zone: zone}
}

// ToUDP converts a unix socket address to a *net.UDPAddr (nil if it is not
// an internet address).
func ToUDP(sa unix.Sockaddr) *net.UDPAddr {
	ip, port, zone, ok := toIPPort(sa)
	if !ok {
		return nil
	}
	return &net.UDPAddr{IP: ip, Port: port, Zone: zone}
}

func toIPPort(sa unix.Sockaddr) (net.IP, int, string, bool) {
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		return net.IP(netip.AddrFrom4(sa.Addr).AsSlice()), sa.Port, "", true
	case *unix.SockaddrInet6:
		return net.IP(netip.AddrFrom16(sa.Addr).AsSlice()), sa.Port, ZoneName(sa.ZoneId), true
	}
	return nil, 0, "", false
}

// LocalAddr returns the socket's own address, or nil.
func LocalAddr(fd int) unix.Sockaddr {
	sa, err := unix.Getsockname(fd)
	if err != nil {
		return nil
	}
	return sa
}

// PeerAddr returns the address of the socket's peer, or nil.
func PeerAddr(fd int) unix.Sockaddr {
	sa, err := unix.Getpeername(fd)
	if err != nil {
		return nil
	}
	return sa
}
