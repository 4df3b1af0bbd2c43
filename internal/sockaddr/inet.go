package sockaddr

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// Inet is a peer's socket address kept by value, as accept returns it:
// building it from the kernel's raw address ([InetFromRaw]) allocates
// nothing, where x/sys's unix.Sockaddr is a pointer to a fresh struct on
// every accept. An accepted stream keeps it until someone asks for a
// net.Addr.
type Inet struct {
	IP     [16]byte // the address; an IPv4 address fills the first 4 bytes
	Zone   uint32   // the IPv6 scope (interface index), 0 if none
	Port   uint16
	Family uint8 // FamilyNone, FamilyInet4, FamilyInet6 or FamilyUnix
}

// The families of an [Inet].
const (
	FamilyNone  = 0   // no address (accept returned none, or an unknown family)
	FamilyInet4 = 4   // IPv4
	FamilyInet6 = 6   // IPv6
	FamilyUnix  = 'u' // a Unix socket; its path is not kept (see Inet.Sockaddr)
)

// InetFromRaw decodes the raw address accept wrote into rsa. It reads the
// family, port, address and scope straight from the kernel's layout (the
// port in network byte order) and allocates nothing.
func InetFromRaw(rsa *unix.RawSockaddrAny) Inet {
	switch int(rsa.Addr.Family) {
	case unix.AF_INET:
		p := (*unix.RawSockaddrInet4)(unsafe.Pointer(rsa))
		a := Inet{Port: netPort(&p.Port), Family: FamilyInet4}
		copy(a.IP[:4], p.Addr[:])
		return a
	case unix.AF_INET6:
		p := (*unix.RawSockaddrInet6)(unsafe.Pointer(rsa))
		return Inet{IP: p.Addr, Zone: p.Scope_id, Port: netPort(&p.Port), Family: FamilyInet6}
	case unix.AF_UNIX:
		return Inet{Family: FamilyUnix}
	}
	return Inet{}
}

// netPort reads a port stored in network byte order.
func netPort(p *uint16) uint16 {
	b := (*[2]byte)(unsafe.Pointer(p))
	return uint16(b[0])<<8 | uint16(b[1])
}

// InetFromSockaddr converts sa, as x/sys returns it, to an Inet (the zero
// Inet for nil or an address of another family).
func InetFromSockaddr(sa unix.Sockaddr) Inet {
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		a := Inet{Port: uint16(sa.Port), Family: FamilyInet4}
		copy(a.IP[:4], sa.Addr[:])
		return a
	case *unix.SockaddrInet6:
		return Inet{IP: sa.Addr, Zone: sa.ZoneId, Port: uint16(sa.Port), Family: FamilyInet6}
	case *unix.SockaddrUnix:
		return Inet{Family: FamilyUnix}
	}
	return Inet{}
}

// Sockaddr converts a to the x/sys form: nil for FamilyNone, and an
// unnamed *unix.SockaddrUnix for FamilyUnix, whose path an Inet does not
// keep (a Unix stream looks its addresses up instead).
func (a Inet) Sockaddr() unix.Sockaddr {
	switch a.Family {
	case FamilyInet4:
		sa := &unix.SockaddrInet4{Port: int(a.Port)}
		copy(sa.Addr[:], a.IP[:4])
		return sa
	case FamilyInet6:
		return &unix.SockaddrInet6{Port: int(a.Port), ZoneId: a.Zone, Addr: a.IP}
	case FamilyUnix:
		return &unix.SockaddrUnix{}
	}
	return nil
}
