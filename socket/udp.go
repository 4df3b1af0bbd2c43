package socket

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/sockaddr"
	"github.com/eddyio/eddy/internal/sockopen"
	"github.com/eddyio/eddy/stream"
)

// UDPSocket is a non-blocking UDP socket registered with eddy's reactor.
// It sends and receives whole datagrams: a send is all or nothing, and a
// receive whose datagram does not fit the buffer fails with an error
// wrapping [ErrTruncated] instead of cutting it silently.
//
// A UDPSocket is used by the tasks of one loop: one task receiving and one
// task sending at a time. Close, Connect, the options and the address
// methods are safe from any goroutine.
type UDPSocket struct {
	dgram      // its laddr and raddr are *net.UDPAddr; laddr is set by BindUDPAddr
	family int // AF_INET or AF_INET6
}

// Datagram is one received UDP datagram.
type Datagram struct {
	// Data is the datagram: the front of the buffer it was received into.
	Data []byte
	// Addr is the sender. An IPv4 sender on a dual-stack socket is
	// reported as an IPv4 address, not an IPv4-mapped IPv6 one.
	Addr netip.AddrPort
}

// BindUDP opens a UDP socket bound to addr, a "host:port" as
// net.ListenPacket("udp", addr) accepts it with a literal IP host (IPv4,
// or IPv6 in brackets with an optional zone) or an empty one. An empty
// host binds every interface, IPv4 and IPv6 (a dual-stack socket where the
// system has IPv6, as package net does); port 0 picks a free port, which
// LocalAddr reports.
//
// Binding happens now; nothing is registered with any loop until the
// socket is polled.
func BindUDP(addr string) (*UDPSocket, error) {
	a, err := resolveUDP("udp", addr)
	if err != nil {
		return nil, &net.OpError{Op: "listen", Net: "udp", Err: err}
	}
	return BindUDPAddr("udp", a)
}

// BindUDPAddr is BindUDP with a resolved address and a network: "udp"
// (IPv4 or IPv6, dual-stack for an unspecified address), "udp4" or "udp6".
// A nil addr binds every interface on a free port.
func BindUDPAddr(network string, addr *net.UDPAddr) (*UDPSocket, error) {
	var la net.Addr
	if addr != nil {
		la = addr
	}
	opErr := func(err error) error { return &net.OpError{Op: "listen", Net: network, Addr: la, Err: err} }
	switch network {
	case "udp", "udp4", "udp6":
	default:
		return nil, opErr(net.UnknownNetworkError(network))
	}
	if addr == nil {
		addr = &net.UDPAddr{}
	}
	if addr.Port < 0 || addr.Port > 65535 {
		return nil, opErr(&net.AddrError{Err: "port out of range", Addr: strconv.Itoa(addr.Port)})
	}
	family, v6only, err := udpFamily(network, addr.IP)
	if err != nil {
		return nil, opErr(err)
	}
	fd, err := sockopen.Socket(family, unix.SOCK_DGRAM, unix.IPPROTO_UDP)
	if err != nil && family == unix.AF_INET6 && network == "udp" && len(addr.IP) == 0 {
		family = unix.AF_INET // no IPv6 here: all IPv4 interfaces
		fd, err = sockopen.Socket(family, unix.SOCK_DGRAM, unix.IPPROTO_UDP)
	}
	if err != nil {
		return nil, opErr(err)
	}
	if family == unix.AF_INET6 {
		if err := unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, boolInt(v6only)); err != nil {
			unix.Close(fd)
			return nil, opErr(os.NewSyscallError("setsockopt", err))
		}
	}
	ap := addr.AddrPort()
	if len(addr.IP) == 0 {
		ap = netip.AddrPortFrom(netip.IPv6Unspecified(), uint16(addr.Port))
		if family == unix.AF_INET {
			ap = netip.AddrPortFrom(netip.IPv4Unspecified(), uint16(addr.Port))
		}
	}
	to := udpDest(family, ap, addr.Zone)
	if to.err != nil {
		unix.Close(fd)
		return nil, opErr(to.err)
	}
	if err := unix.Bind(fd, to.sockaddr()); err != nil {
		unix.Close(fd)
		return nil, opErr(os.NewSyscallError("bind", err))
	}
	if bound := sockaddr.ToUDP(sockaddr.LocalAddr(fd)); bound != nil {
		addr = bound
	}
	u := &UDPSocket{family: family}
	u.init(fd, network, addr, nil, u)
	return u, nil
}

// udpFamily picks the address family of a socket bound to ip on network.
func udpFamily(network string, ip net.IP) (family int, v6only bool, err error) {
	switch {
	case len(ip) == 0:
		switch network {
		case "udp4":
			return unix.AF_INET, false, nil
		case "udp6":
			return unix.AF_INET6, true, nil
		}
		return unix.AF_INET6, false, nil // dual-stack
	case ip.To4() != nil:
		if network == "udp6" {
			return 0, false, &net.AddrError{Err: "non-IPv6 address", Addr: ip.String()}
		}
		return unix.AF_INET, false, nil
	case len(ip) == net.IPv6len:
		if network == "udp4" {
			return 0, false, &net.AddrError{Err: "non-IPv4 address", Addr: ip.String()}
		}
		return unix.AF_INET6, network == "udp6" || !ip.IsUnspecified(), nil
	}
	return 0, false, &net.AddrError{Err: "invalid IP address", Addr: fmt.Sprint([]byte(ip))}
}

// resolveUDP parses a "host:port" whose host is a literal IP address or
// empty. Host names are not resolved here: that may block.
func resolveUDP(network, addr string) (*net.UDPAddr, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	pn, err := net.LookupPort(network, port)
	if err != nil {
		return nil, err
	}
	if host == "" {
		return &net.UDPAddr{Port: pn}, nil
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return nil, &net.AddrError{Err: "not a literal IP address (host names are not resolved here)", Addr: host}
	}
	return net.UDPAddrFromAddrPort(netip.AddrPortFrom(ip, uint16(pn))), nil
}

// udpDest checks ap as a destination (or bind address) of a socket of
// family: an IPv4 address is mapped into IPv6 for an AF_INET6 socket, and
// an IPv4-mapped one unmapped for an AF_INET socket, when the socket
// address is made (dest.sockaddr, sendmsg). zone, if not empty, names the
// IPv6 scope in place of ap's own.
func udpDest(family int, ap netip.AddrPort, zone string) dest {
	to := dest{family: family, ap: ap}
	ip := ap.Addr()
	if !ip.IsValid() {
		to.err = &net.AddrError{Err: "invalid address", Addr: ap.String()}
		return to
	}
	if family == unix.AF_INET {
		if !ip.Unmap().Is4() {
			to.err = &net.AddrError{Err: "IPv6 address on an IPv4 socket", Addr: ip.String()}
		}
		return to
	}
	if zone == "" {
		zone = ip.Zone()
	}
	if zone != "" {
		var ok bool
		if to.zone, ok = sockaddr.ZoneIndex(zone); !ok {
			to.err = &net.AddrError{Err: "unknown zone", Addr: ap.String()}
		}
	}
	return to
}

// LocalAddr returns the address the socket is bound to, with the port the
// kernel chose if it was asked for port 0.
func (u *UDPSocket) LocalAddr() *net.UDPAddr {
	a, _ := u.laddr.(*net.UDPAddr)
	return a
}

// RemoteAddr returns the address given to Connect, or nil.
func (u *UDPSocket) RemoteAddr() *net.UDPAddr {
	a, _ := u.remote().(*net.UDPAddr)
	return a
}

// dest checks a destination for the family of the socket.
func (u *UDPSocket) dest(addr netip.AddrPort) dest { return udpDest(u.family, addr, "") }

// PollSendTo sends p as one datagram to addr: ready with len(p), ready
// with an error, or pending (waker parked) while the send buffer is full.
func (u *UDPSocket) PollSendTo(cx *future.Context, p []byte, addr netip.AddrPort) future.Poll[int] {
	return u.pollSend(cx, p, u.dest(addr))
}

// PollRecvFrom receives one datagram into p: ready with the datagram and
// its sender, ready with an error, or pending (waker parked) while nothing
// has arrived. A datagram larger than p is ready with the part that fit
// and an error wrapping [ErrTruncated].
func (u *UDPSocket) PollRecvFrom(cx *future.Context, p []byte) future.Poll[Datagram] {
	return pollRecv(&u.dgram, cx, p, func(m message) Datagram {
		return Datagram{Data: p[:m.n], Addr: m.from.inet.AddrPort()}
	})
}

// SendTo returns a future that sends p as one datagram to addr and is
// ready with len(p). Nothing is sent until it is polled; p must not be
// changed until it is ready.
func (u *UDPSocket) SendTo(p []byte, addr netip.AddrPort) future.Future[int] {
	return &oneShot[int]{poll: func(cx *future.Context) future.Poll[int] { return u.PollSendTo(cx, p, addr) }}
}

// RecvFrom returns a future of the next datagram, received into p (see
// PollRecvFrom).
func (u *UDPSocket) RecvFrom(p []byte) future.Future[Datagram] {
	return &oneShot[Datagram]{poll: func(cx *future.Context) future.Poll[Datagram] { return u.PollRecvFrom(cx, p) }}
}

// Connect sets the socket's default destination and makes the kernel drop
// datagrams from anyone else; Send and Recv then need no address. It makes
// no system call that blocks and sends nothing.
func (u *UDPSocket) Connect(addr netip.AddrPort) error { return u.connect(u.dest(addr)) }

// PollRecv receives one datagram from the connected address into p: ready
// with its length, or with the part that fit and an error wrapping
// [ErrTruncated] if it was larger than p.
func (u *UDPSocket) PollRecv(cx *future.Context, p []byte) future.Poll[int] {
	return pollRecv(&u.dgram, cx, p, func(m message) int { return m.n })
}

// Recv returns a future of the next datagram from the connected address,
// received into p.
func (u *UDPSocket) Recv(p []byte) future.Future[int] {
	return &oneShot[int]{poll: func(cx *future.Context) future.Poll[int] { return u.PollRecv(cx, p) }}
}

// datagrams is the Datagrams stream.
type datagrams struct {
	u    *UDPSocket
	size int
	buf  []byte
}

func (s *datagrams) PollNext(cx *future.Context) stream.Poll[Datagram] {
	if s.buf == nil {
		s.buf = make([]byte, s.size)
	}
	p := s.u.PollRecvFrom(cx, s.buf)
	switch {
	case p.IsPending():
		return stream.Pending[Datagram]()
	case p.Err() == nil:
		return stream.Item(p.Value())
	case errors.Is(p.Err(), net.ErrClosed):
		return stream.End[Datagram]()
	}
	return stream.Fail[Datagram](p.Err())
}

// Datagrams returns the lazy stream of received datagrams with their
// senders. It allocates one buffer of bufSize bytes (64 KiB if bufSize <= 0)
// on its first poll and receives every datagram into it: an item's Data is
// valid only until the next poll of the stream, so copy what must outlive
// it. A datagram larger than the buffer is an item error wrapping
// [ErrTruncated] and the stream goes on; it ends when the socket is closed.
func (u *UDPSocket) Datagrams(bufSize int) stream.Stream[Datagram] {
	if bufSize <= 0 {
		bufSize = 64 << 10
	}
	return &datagrams{u: u, size: bufSize}
}

// SetBroadcast allows (or forbids) sending to broadcast addresses
// (SO_BROADCAST).
func (u *UDPSocket) SetBroadcast(on bool) error {
	if err := setsockoptInt(u.fd, unix.SOL_SOCKET, unix.SO_BROADCAST, boolInt(on)); err != nil {
		return u.opError("set", nil, err)
	}
	return nil
}

// Broadcast reports whether sending to broadcast addresses is allowed.
func (u *UDPSocket) Broadcast() (bool, error) {
	v, err := getsockoptInt(u.fd, unix.SOL_SOCKET, unix.SO_BROADCAST)
	if err != nil {
		return false, u.opError("get", nil, err)
	}
	return v != 0, nil
}

// JoinGroup joins the multicast group on the interface ifi (nil lets the
// system choose), for IPv4 and IPv6 groups alike; datagrams sent to the
// group and the socket's port are then received.
func (u *UDPSocket) JoinGroup(ifi *net.Interface, group netip.Addr) error {
	return u.membership("join", ifi, group, true)
}

// LeaveGroup leaves a multicast group joined with JoinGroup.
func (u *UDPSocket) LeaveGroup(ifi *net.Interface, group netip.Addr) error {
	return u.membership("leave", ifi, group, false)
}

func (u *UDPSocket) membership(op string, ifi *net.Interface, group netip.Addr, join bool) error {
	ga := &net.IPAddr{IP: group.AsSlice(), Zone: group.Zone()}
	if !group.IsMulticast() {
		return u.opError(op, ga, &net.AddrError{Err: "not a multicast address", Addr: group.String()})
	}
	if err := u.fd.Incref(); err != nil {
		return u.opError(op, ga, err)
	}
	defer u.fd.Decref()
	var err error
	if group.Unmap().Is4() {
		err = setIPv4Membership(u.fd.Sysfd(), ifi, group.Unmap(), join)
	} else {
		mreq := &unix.IPv6Mreq{Multiaddr: group.As16()}
		if ifi != nil {
			mreq.Interface = uint32(ifi.Index)
		}
		opt := unix.IPV6_JOIN_GROUP
		if !join {
			opt = unix.IPV6_LEAVE_GROUP
		}
		err = unix.SetsockoptIPv6Mreq(u.fd.Sysfd(), unix.IPPROTO_IPV6, opt, mreq)
	}
	if err != nil {
		return u.opError(op, ga, os.NewSyscallError("setsockopt", err))
	}
	return nil
}
