package sockaddr

import (
	"reflect"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// rawOf lays sa out as the kernel would in an accept's address buffer.
func rawOf(t *testing.T, sa unix.Sockaddr) *unix.RawSockaddrAny {
	t.Helper()
	rsa := new(unix.RawSockaddrAny)
	put := func(p *uint16, port int) {
		b := (*[2]byte)(unsafe.Pointer(p))
		b[0], b[1] = byte(port>>8), byte(port)
	}
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		p := (*unix.RawSockaddrInet4)(unsafe.Pointer(rsa))
		p.Family = unix.AF_INET
		put(&p.Port, sa.Port)
		p.Addr = sa.Addr
	case *unix.SockaddrInet6:
		p := (*unix.RawSockaddrInet6)(unsafe.Pointer(rsa))
		p.Family = unix.AF_INET6
		put(&p.Port, sa.Port)
		p.Addr, p.Scope_id = sa.Addr, sa.ZoneId
	case *unix.SockaddrUnix:
		p := (*unix.RawSockaddrUnix)(unsafe.Pointer(rsa))
		p.Family = unix.AF_UNIX
	default:
		t.Fatalf("rawOf(%T)", sa)
	}
	return rsa
}

// TestInetFromRaw: the raw address of each family decodes to the port (in
// host order), address and scope it holds; an unknown family is no address.
func TestInetFromRaw(t *testing.T) {
	v6 := [16]byte{0xfe, 0x80, 15: 1}
	for _, c := range []struct {
		sa   unix.Sockaddr
		want Inet
	}{
		{&unix.SockaddrInet4{Port: 0x1234, Addr: [4]byte{127, 0, 0, 1}}, Inet{IP: [16]byte{127, 0, 0, 1}, Port: 0x1234, Family: FamilyInet4}},
		{&unix.SockaddrInet4{Port: 65535, Addr: [4]byte{10, 1, 2, 3}}, Inet{IP: [16]byte{10, 1, 2, 3}, Port: 65535, Family: FamilyInet4}},
		{&unix.SockaddrInet6{Port: 443, Addr: v6, ZoneId: 7}, Inet{IP: v6, Zone: 7, Port: 443, Family: FamilyInet6}},
		{&unix.SockaddrInet6{Port: 1, Addr: [16]byte{15: 1}}, Inet{IP: [16]byte{15: 1}, Port: 1, Family: FamilyInet6}},
		{&unix.SockaddrUnix{}, Inet{Family: FamilyUnix}},
	} {
		if got := InetFromRaw(rawOf(t, c.sa)); got != c.want {
			t.Errorf("InetFromRaw(%#v) = %+v; want %+v", c.sa, got, c.want)
		}
		if got := InetFromSockaddr(c.sa); got != c.want {
			t.Errorf("InetFromSockaddr(%#v) = %+v; want %+v", c.sa, got, c.want)
		}
	}
	if got := InetFromRaw(new(unix.RawSockaddrAny)); got != (Inet{}) {
		t.Errorf("InetFromRaw(family 0) = %+v; want the zero Inet", got)
	}
	if got := InetFromSockaddr(nil); got != (Inet{}) {
		t.Errorf("InetFromSockaddr(nil) = %+v; want the zero Inet", got)
	}
}

// TestInetSockaddr: Sockaddr gives back the x/sys address an Inet was made
// from (a Unix address without its path), and nil for no address.
func TestInetSockaddr(t *testing.T) {
	for _, sa := range []unix.Sockaddr{
		&unix.SockaddrInet4{Port: 8080, Addr: [4]byte{192, 0, 2, 1}},
		&unix.SockaddrInet6{Port: 9, Addr: [16]byte{0xfe, 0x80, 15: 2}, ZoneId: 3},
		&unix.SockaddrUnix{},
	} {
		if got := InetFromSockaddr(sa).Sockaddr(); !reflect.DeepEqual(got, sa) {
			t.Errorf("round trip of %#v = %#v", sa, got)
		}
	}
	if got := (Inet{}).Sockaddr(); got != nil {
		t.Errorf("(Inet{}).Sockaddr() = %#v; want nil", got)
	}
}

// TestInetFromRawAllocates: decoding an accept's address allocates nothing.
func TestInetFromRawAllocates(t *testing.T) {
	raws := []*unix.RawSockaddrAny{
		rawOf(t, &unix.SockaddrInet4{Port: 80, Addr: [4]byte{127, 0, 0, 1}}),
		rawOf(t, &unix.SockaddrInet6{Port: 80, Addr: [16]byte{15: 1}, ZoneId: 1}),
		rawOf(t, &unix.SockaddrUnix{}),
	}
	var sink Inet
	if n := testing.AllocsPerRun(100, func() {
		for _, r := range raws {
			sink = InetFromRaw(r)
		}
	}); n != 0 {
		t.Errorf("InetFromRaw allocates %v times; want 0", n)
	}
	_ = sink
}
