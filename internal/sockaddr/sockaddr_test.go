package sockaddr

import (
	"net"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestFromTCPInvalidIP: an IP that is neither 4 nor 16 bytes long is an
// error, not the unspecified address.
func TestFromTCPInvalidIP(t *testing.T) {
	for _, ip := range []net.IP{{1}, {127, 0, 1}, make(net.IP, 5), make(net.IP, 17)} {
		if sa, _, err := FromTCP(&net.TCPAddr{IP: ip, Port: 80}); err == nil {
			t.Errorf("FromTCP(%d-byte IP) = %#v; want an error", len(ip), sa)
		}
		if sa, _, err := FromUDP(&net.UDPAddr{IP: ip, Port: 80}); err == nil {
			t.Errorf("FromUDP(%d-byte IP) = %#v; want an error", len(ip), sa)
		}
	}
	for _, ip := range []net.IP{nil, net.IPv4(1, 2, 3, 4), net.IPv4(1, 2, 3, 4).To4(), net.IPv6loopback} {
		if _, _, err := FromTCP(&net.TCPAddr{IP: ip, Port: 80}); err != nil {
			t.Errorf("FromTCP(%v) = %v", ip, err)
		}
	}
}

// TestFromUnixNUL: a file system path with a NUL byte is an error (the
// kernel would read a shorter path); an abstract name may hold one.
func TestFromUnixNUL(t *testing.T) {
	if sa, err := FromUnix("/tmp/a\x00b"); err == nil || !strings.Contains(err.Error(), "NUL") {
		t.Errorf(`FromUnix("/tmp/a\x00b") = %v, %v; want an error about the NUL byte`, sa, err)
	}
	if sa, err := FromUnix("@a\x00b"); err != nil || sa.Name != "@a\x00b" {
		t.Errorf(`FromUnix("@a\x00b") = %v, %v; want the abstract name`, sa, err)
	}
	if got := ToUnix(&unix.SockaddrUnix{Name: "/tmp/s"}, "unix"); got.Name != "/tmp/s" || got.Net != "unix" {
		t.Errorf("ToUnix = %v", got)
	}
}
