package socket

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/eddyio/eddy/internal/sockaddr"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
)

// TestUnixDatagramNamesBothWays sends datagrams between two bound Unix
// datagram sockets and back to the address each one reported, for the
// shapes of name that the raw recvmsg and sendmsg build and read
// themselves (dgram_linux.go): a file system path, the longest one the
// kernel takes (no room for the terminating NUL), an abstract name, and
// the longest abstract name.
func TestUnixDatagramNamesBothWays(t *testing.T) {
	dir := filepath.Dir(loopkit.SocketPath(t))
	abstract := fmt.Sprintf("@eddy-test-%d-", os.Getpid())
	long := func(prefix string) string { return prefix + strings.Repeat("n", maxUnixPathLen-len(prefix)) }
	cases := []struct{ name, srv, cli string }{
		{"path", filepath.Join(dir, "s"), filepath.Join(dir, "c")},
		{"abstract", abstract + "s", abstract + "c"},
		{"longest abstract", long(abstract + "s"), long(abstract + "c")},
	}
	if len(dir)+3 < maxUnixPathLen {
		cases = append(cases, struct{ name, srv, cli string }{"longest path", long(filepath.Join(dir, "s")), long(filepath.Join(dir, "c"))})
	}
	t.Run("too long", func(t *testing.T) {
		loop := loopkit.CheckedLoop(t)
		u, err := UnboundUnixDatagram()
		if err != nil {
			t.Fatal(err)
		}
		defer u.Close()
		name := long(abstract) + "n"
		_, err = loopkit.Block(t, loop, u.SendTo([]byte("x"), name))
		if err == nil || !strings.Contains(err.Error(), "at most 107") {
			t.Fatalf("SendTo(a %d-byte name) = %v; want an error saying the most is 107 bytes", len(name), err)
		}
	})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			loop := loopkit.CheckedLoop(t)
			srv, err := BindUnixDatagram(tc.srv)
			if err != nil {
				t.Fatalf("BindUnixDatagram(%q) = %v", tc.srv, err)
			}
			defer srv.Close()
			cli, err := BindUnixDatagram(tc.cli)
			if err != nil {
				t.Fatalf("BindUnixDatagram(%q) = %v", tc.cli, err)
			}
			defer cli.Close()
			buf := make([]byte, 64)
			if _, err := loopkit.Block(t, loop, cli.SendTo([]byte("ping"), tc.srv)); err != nil {
				t.Fatalf("SendTo(%q) = %v", tc.srv, err)
			}
			m, err := loopkit.Block(t, loop, srv.RecvFrom(buf))
			if err != nil || string(m.Data) != "ping" || m.Addr != tc.cli {
				t.Fatalf("RecvFrom = %q from %q, %v; want %q from %q", m.Data, m.Addr, err, "ping", tc.cli)
			}
			if _, err := loopkit.Block(t, loop, srv.SendTo([]byte("pong"), m.Addr)); err != nil {
				t.Fatalf("SendTo(%q) = %v", m.Addr, err)
			}
			m, err = loopkit.Block(t, loop, cli.RecvFrom(buf))
			if err != nil || string(m.Data) != "pong" || m.Addr != tc.srv {
				t.Fatalf("RecvFrom = %q from %q, %v; want %q from %q", m.Data, m.Addr, err, "pong", tc.srv)
			}
		})
	}
}

// maxUnixPathLen is the longest name taken on Linux: sun_path's 108 bytes
// less the terminating NUL's.
const maxUnixPathLen = 107

// FuzzRawSockaddrRoundTrip: a destination written in the kernel's layout
// by rawSockaddr reads back as the same sender through peerFromRaw, for
// IPv4, IPv6 (with a scope) and Unix names, abstract or not; the length
// rawSockaddr gives is what the kernel expects (family, address, and a
// path's NUL unless abstract).
func FuzzRawSockaddrRoundTrip(f *testing.F) {
	f.Add([]byte{127, 0, 0, 1}, uint16(53), uint32(0), "")
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, uint16(8080), uint32(0), "")
	f.Add([]byte{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, uint16(1), uint32(7), "")
	f.Add([]byte(nil), uint16(0), uint32(0), "/tmp/eddy.sock")
	f.Add([]byte(nil), uint16(0), uint32(0), "@abstract")
	f.Add([]byte(nil), uint16(0), uint32(0), strings.Repeat("p", maxUnixPathLen))
	f.Fuzz(func(t *testing.T, ip []byte, port uint16, zone uint32, path string) {
		var to dest
		switch {
		case path != "":
			if unixDest(path).err != nil {
				return
			}
			to = unixDest(path)
		case len(ip) == 4:
			to = dest{family: unix.AF_INET, ap: netip.AddrPortFrom(netip.AddrFrom4([4]byte(ip)), port)}
		case len(ip) == 16:
			to = dest{family: unix.AF_INET6, ap: netip.AddrPortFrom(netip.AddrFrom16([16]byte(ip)), port), zone: zone}
		default:
			return
		}
		var rsa unix.RawSockaddrAny
		n := to.rawSockaddr(&rsa)
		got := peerFromRaw(&rsa, int(n))
		switch to.family {
		case unix.AF_UNIX:
			want := 2 + len(path) + 1
			if sockaddr.IsAbstract(path) {
				want--
			}
			if int(n) != want || got.path != path {
				t.Fatalf("%q: length %d, read back %q; want %d and the same name", path, n, got.path, want)
			}
		case unix.AF_INET:
			if n != unix.SizeofSockaddrInet4 || got.inet.Family != 4 || got.inet.AddrPort() != to.ap {
				t.Fatalf("%v: length %d, read back %v", to.ap, n, got.inet.AddrPort())
			}
		case unix.AF_INET6:
			back := got.inet
			if n != unix.SizeofSockaddrInet6 || back.Family != 6 || back.IP != to.ap.Addr().As16() || back.Port != port || back.Zone != zone {
				t.Fatalf("%v%%%d: length %d, read back %+v", to.ap, zone, n, back)
			}
		}
	})
}
