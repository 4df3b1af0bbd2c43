package sockaddr

import (
	"net"
	"net/netip"
	"testing"
)

// TestZones: scope indexes and interface names convert both ways through
// the cached table, numbers stand for indexes no interface has, and a
// name that is neither fails; a lookup in the table allocates nothing.
func TestZones(t *testing.T) {
	ifs, err := net.Interfaces()
	if err != nil || len(ifs) == 0 {
		t.Skipf("no interfaces to look up: %v", err)
	}
	ifi := ifs[0]
	if got := ZoneName(uint32(ifi.Index)); got != ifi.Name {
		t.Errorf("ZoneName(%d) = %q; want %q", ifi.Index, got, ifi.Name)
	}
	if got, ok := ZoneIndex(ifi.Name); !ok || got != uint32(ifi.Index) {
		t.Errorf("ZoneIndex(%q) = %d, %v; want %d, true", ifi.Name, got, ok, ifi.Index)
	}
	if got := ZoneName(0); got != "" {
		t.Errorf("ZoneName(0) = %q; want none", got)
	}
	if got := ZoneName(4000000000); got != "4000000000" {
		t.Errorf("ZoneName(an index no interface has) = %q; want the number", got)
	}
	if got, ok := ZoneIndex("4000000000"); !ok || got != 4000000000 {
		t.Errorf("ZoneIndex(a number) = %d, %v; want it, true", got, ok)
	}
	if _, ok := ZoneIndex("no-such-interface"); ok {
		t.Error("ZoneIndex(a name no interface has) succeeded")
	}
	if n := testing.AllocsPerRun(100, func() { ZoneName(uint32(ifi.Index)); ZoneIndex(ifi.Name) }); n != 0 {
		t.Errorf("a cached zone lookup: %v allocations; want 0", n)
	}
	a := Inet{IP: netip.MustParseAddr("fe80::1").As16(), Zone: uint32(ifi.Index), Port: 9, Family: FamilyInet6}
	if got, want := a.AddrPort(), netip.AddrPortFrom(netip.MustParseAddr("fe80::1%"+ifi.Name), 9); got != want {
		t.Errorf("AddrPort() = %v; want %v", got, want)
	}
	a = Inet{IP: netip.MustParseAddr("::ffff:127.0.0.1").As16(), Port: 9, Family: FamilyInet6}
	if got, want := a.AddrPort(), netip.MustParseAddrPort("127.0.0.1:9"); got != want {
		t.Errorf("AddrPort() of an IPv4-mapped address = %v; want %v (unmapped)", got, want)
	}
}

// BenchmarkZoneName: naming a scope through the cached table, against
// asking package net for the interface each time (what the conversions
// did before the table).
func BenchmarkZoneName(b *testing.B) {
	ifs, err := net.Interfaces()
	if err != nil || len(ifs) == 0 {
		b.Skipf("no interfaces: %v", err)
	}
	index := ifs[0].Index
	b.Run("cached", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ZoneName(uint32(index))
		}
	})
	b.Run("net.InterfaceByIndex", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			net.InterfaceByIndex(index)
		}
	})
}
