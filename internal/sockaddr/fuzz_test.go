package sockaddr

import (
	"net"
	"net/netip"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// FuzzFromTCP converts any *net.TCPAddr a program may hold to a socket
// address and back: an IP of a length other than 0, 4 or 16 is an error;
// any other comes back as the same IP (nil as the unspecified IPv6
// address) and port, and a zone that names the same scope.
func FuzzFromTCP(f *testing.F) {
	f.Add([]byte{127, 0, 0, 1}, uint16(80), "")
	f.Add([]byte(net.IPv6loopback), uint16(443), "lo")
	f.Add([]byte(net.ParseIP("fe80::1")), uint16(1), "1")
	f.Add([]byte(net.ParseIP("::ffff:1.2.3.4")), uint16(0), "eth0")
	f.Add([]byte{}, uint16(65535), "")
	f.Add([]byte{1, 2, 3}, uint16(9), "")
	f.Fuzz(func(t *testing.T, ip []byte, port uint16, zone string) {
		a := &net.TCPAddr{IP: ip, Port: int(port), Zone: zone}
		sa, family, err := FromTCP(a)
		if len(ip) != 0 && len(ip) != 4 && len(ip) != 16 {
			if err == nil {
				t.Fatalf("FromTCP(%d-byte IP) = %#v; want an error", len(ip), sa)
			}
			return
		}
		if err != nil {
			t.Fatalf("FromTCP(%v) = %v", a, err)
		}
		back := ToTCP(sa)
		wantIP := net.IP(ip)
		if len(ip) == 0 {
			wantIP = net.IPv6unspecified
		}
		if !back.IP.Equal(wantIP) || back.Port != int(port) {
			t.Fatalf("FromTCP then ToTCP: %v -> %v", a, back)
		}
		if v4 := wantIP.To4() != nil; v4 != (family == unix.AF_INET) {
			t.Fatalf("FromTCP(%v): family %d", a, family)
		}
		// The zone comes back in a form (an interface's name, or the
		// number) that gives the same socket address again.
		if again, _, err := FromTCP(back); err != nil || !sameSockaddr(again, sa) {
			t.Fatalf("FromTCP(%v) = %#v, ToTCP gives %v, and FromTCP of that %#v, %v", a, sa, back, again, err)
		}
	})
}

// FuzzToTCP converts any internet socket address the kernel may hand back
// (accept, getpeername, recvfrom) to a *net.TCPAddr and a *net.UDPAddr and
// back: it must be the same address, except that an IPv4-mapped IPv6
// address comes back as IPv4.
func FuzzToTCP(f *testing.F) {
	f.Add(false, []byte{127, 0, 0, 1}, uint16(80), uint32(0))
	f.Add(true, []byte(net.IPv6loopback), uint16(443), uint32(0))
	f.Add(true, []byte(net.ParseIP("fe80::1")), uint16(1), uint32(1))
	f.Add(true, []byte(net.ParseIP("fe80::1")), uint16(1), uint32(4000000000))
	f.Add(true, []byte(net.ParseIP("::ffff:1.2.3.4")), uint16(0), uint32(7))
	f.Fuzz(func(t *testing.T, v6 bool, raw []byte, port uint16, zoneID uint32) {
		var sa unix.Sockaddr
		if v6 {
			s := &unix.SockaddrInet6{Port: int(port), ZoneId: zoneID}
			copy(s.Addr[:], raw)
			sa = s
		} else {
			s := &unix.SockaddrInet4{Port: int(port)}
			copy(s.Addr[:], raw)
			sa = s
		}
		for _, a := range []*net.TCPAddr{ToTCP(sa), (*net.TCPAddr)(ToUDP(sa))} {
			if a == nil {
				t.Fatalf("ToTCP(%#v) = nil", sa)
			}
			back, _, err := FromTCP(a)
			if err != nil {
				t.Fatalf("ToTCP(%#v) = %v, which FromTCP refuses: %v", sa, a, err)
			}
			want := sa
			if s, ok := sa.(*unix.SockaddrInet6); ok {
				if ip := netip.AddrFrom16(s.Addr); ip.Is4In6() {
					want = &unix.SockaddrInet4{Port: s.Port, Addr: ip.Unmap().As4()}
				}
			}
			if !sameSockaddr(back, want) {
				t.Fatalf("ToTCP then FromTCP: %#v -> %v -> %#v", sa, a, back)
			}
		}
		if ToTCP(&unix.SockaddrUnix{Name: string(raw)}) != nil {
			t.Fatalf("ToTCP of a Unix address is not nil")
		}
	})
}

func sameSockaddr(a, b unix.Sockaddr) bool {
	switch a := a.(type) {
	case *unix.SockaddrInet4:
		b, ok := b.(*unix.SockaddrInet4)
		return ok && a.Addr == b.Addr && a.Port == b.Port
	case *unix.SockaddrInet6:
		b, ok := b.(*unix.SockaddrInet6)
		return ok && a.Addr == b.Addr && a.Port == b.Port && a.ZoneId == b.ZoneId
	}
	return false
}

// FuzzFromUnix checks the Unix socket paths a program may be given: an
// empty path, a path longer than sun_path and a file system path with a
// NUL byte are errors, anything else is kept as it is and comes back
// unchanged.
func FuzzFromUnix(f *testing.F) {
	f.Add("/tmp/eddy.sock")
	f.Add("@abstract")
	f.Add("@with\x00nul")
	f.Add("/tmp/with\x00nul")
	f.Add("")
	f.Add(strings.Repeat("x", 108))
	f.Add(strings.Repeat("x", 109))
	f.Fuzz(func(t *testing.T, path string) {
		sa, err := FromUnix(path)
		bad := path == "" || len(path) > maxUnixPath || !IsAbstract(path) && strings.IndexByte(path, 0) >= 0
		if bad != (err != nil) {
			t.Fatalf("FromUnix(%q) = %v, %v", path, sa, err)
		}
		if err != nil {
			if !strings.HasPrefix(err.Error(), "socket: ") {
				t.Fatalf("FromUnix(%q) = %v; want the prefix socket:", path, err)
			}
			return
		}
		if got := ToUnix(sa, "unix"); got.Name != path {
			t.Fatalf("FromUnix then ToUnix: %q -> %q", path, got.Name)
		}
	})
}
