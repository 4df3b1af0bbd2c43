package socket

import (
	"net"
	"net/netip"
	"reflect"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/eddyio/eddy/internal/sockaddr"
	"github.com/eddyio/eddy/internal/testkit"
)

var fuzzNetworks = [...]string{"tcp", "tcp4", "tcp6", "udp", "udp4", "udp6", "", "ip"}

// literalHost reports whether addr is a "host:port" whose host is empty or
// a literal IP, which resolves without a lookup.
func literalHost(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return true // an error before any lookup
	}
	_, err = netip.ParseAddr(host)
	return host == "" || err == nil
}

func hostOf(addr string) string {
	host, _, _ := net.SplitHostPort(addr)
	return host
}

// FuzzResolveTCP checks ResolveTCP, which parses the addresses a program
// is given to connect to, against package net: for any network and any
// "host:port" with a literal IP (a host name would be looked up), it
// answers at once, and agrees with net.ResolveTCPAddr on whether the
// address is valid and on its IP, port and zone, except that an empty
// host is the loopback address (net.Dial's meaning) where net leaves the
// IP nil, and that eddy refuses the IPv6 wildcard "::" on tcp4, which net
// turns into 0.0.0.0.
func FuzzResolveTCP(f *testing.F) {
	for _, addr := range []string{"127.0.0.1:80", "[::1]:http", "[fe80::1%lo]:1", ":0", "1.2.3.4:65536",
		"[::ffff:1.2.3.4]:1", "1.2.3.4:-1", "[1.2.3.4]:80", "1.2.3.4", "[::1%]:1", "0:0", "01.2.3.4:1"} {
		for n := range 3 {
			f.Add(uint8(n), addr)
		}
	}
	f.Fuzz(func(t *testing.T, n uint8, addr string) {
		network := fuzzNetworks[int(n)%len(fuzzNetworks)]
		if !literalHost(addr) || addr == "" {
			return // a lookup; or "", which net takes for ":0" and eddy refuses
		}
		cx, _ := testkit.NewContext()
		p := ResolveTCP(network, addr).Poll(cx)
		if p.IsPending() {
			t.Fatalf("ResolveTCP(%q, %q) is pending: a literal address needs no lookup", network, addr)
		}
		got, err := p.Result()
		if network != "tcp" && network != "tcp4" && network != "tcp6" {
			if err == nil {
				t.Fatalf("ResolveTCP(%q, %q) = %v; want an unknown network error", network, addr, got)
			}
			return
		}
		want, werr := net.ResolveTCPAddr(network, addr)
		if ip, perr := netip.ParseAddr(hostOf(addr)); perr == nil && network == "tcp4" && ip.Is6() && ip.WithZone("").IsUnspecified() && err != nil {
			return // net takes "::" for "0.0.0.0" on tcp4; eddy says the family does not match
		}
		if (err == nil) != (werr == nil) {
			t.Fatalf("ResolveTCP(%q, %q) = %v, %v; net.ResolveTCPAddr = %v, %v", network, addr, got, err, want, werr)
		}
		if err != nil {
			return
		}
		if len(got) != 1 {
			t.Fatalf("ResolveTCP(%q, %q) = %v; want one address", network, addr, got)
		}
		if want.IP == nil {
			want.IP = loopbackFor(network)
		}
		if a := got[0]; !a.IP.Equal(want.IP) || a.Port != want.Port || a.Zone != want.Zone {
			t.Fatalf("ResolveTCP(%q, %q) = %v; net.ResolveTCPAddr = %v", network, addr, a, want)
		}
	})
}

// FuzzResolveUDP checks resolveUDP, which parses the address of BindUDP,
// against net.ResolveUDPAddr("udp", addr): on a literal host they agree on
// validity, IP, port and zone; a host name is refused (it is never looked
// up on a loop).
func FuzzResolveUDP(f *testing.F) {
	for _, addr := range []string{"127.0.0.1:53", "[::1]:domain", "[fe80::1%lo]:1", ":0", "1.2.3.4:65536",
		"[::ffff:1.2.3.4]:1", "1.2.3.4:-1", "localhost:53", "[1.2.3.4]:80", "0:0"} {
		f.Add(addr)
	}
	f.Fuzz(func(t *testing.T, addr string) {
		if addr == "" {
			return // net takes it for ":0"; eddy refuses it
		}
		got, err := resolveUDP("udp", addr)
		if !literalHost(addr) {
			if err == nil {
				t.Fatalf("resolveUDP(%q) = %v; want an error for a host name", addr, got)
			}
			return
		}
		want, werr := net.ResolveUDPAddr("udp", addr)
		if (err == nil) != (werr == nil) {
			t.Fatalf("resolveUDP(%q) = %v, %v; net.ResolveUDPAddr = %v, %v", addr, got, err, want, werr)
		}
		if err == nil && (!got.IP.Equal(want.IP) || got.Port != want.Port || got.Zone != want.Zone) {
			t.Fatalf("resolveUDP(%q) = %v; net.ResolveUDPAddr = %v", addr, got, want)
		}
	})
}

// FuzzPeerInline checks that the peer address an accepted stream keeps
// inline (no pointer, for an idle connection's sake) is the address
// accept returned, for any internet address.
func FuzzPeerInline(f *testing.F) {
	f.Add(false, []byte{127, 0, 0, 1}, uint16(80), uint32(0))
	f.Add(true, []byte(net.IPv6loopback), uint16(65535), uint32(0))
	f.Add(true, []byte(net.ParseIP("fe80::1")), uint16(1), uint32(4000000000))
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
		var c conn
		c.setPeer(nil, sockaddr.InetFromSockaddr(sa))
		// The address kept: inline, or (an IPv6 scope) built at once.
		var got net.Addr
		if a := c.named.Load(); a != nil {
			got = a.raddr
		} else {
			got = c.kind().toAddr(c.peer())
		}
		if want := tcpAddr(sa); !reflect.DeepEqual(got, want) {
			t.Fatalf("setPeer(%#v) kept %#v; want %#v", sa, got, want)
		}
		if c.kind() != kindTCP {
			t.Fatalf("setPeer(%#v) changed the stream's kind to %v", sa, c.kind())
		}
	})
}
