package sockaddr

import (
	"net"
	"net/netip"
	"strconv"
	"sync"
	"time"
)

// zones maps IPv6 scopes (interface indexes) to interface names and back,
// as package net's own zone cache does: converting a scoped address then
// costs a map lookup, not a netlink dump of every interface, which matters
// for a datagram socket that converts its sender or destination per
// datagram. The table is refreshed when it is older than zoneTTL, or when
// a lookup misses and the last refresh is older than zoneMissWait (an
// interface that has just appeared is found soon, and a name that names
// none does not reload the table each time).
var zones struct {
	mu      sync.Mutex
	byIndex map[uint32]string
	byName  map[string]uint32
	loaded  time.Time
}

const (
	zoneTTL      = time.Minute
	zoneMissWait = time.Second
)

// refreshZonesLocked reloads the table if it is older than maxAge.
func refreshZonesLocked(maxAge time.Duration) {
	if now := time.Now(); zones.byIndex == nil || now.Sub(zones.loaded) >= maxAge {
		zones.loaded = now
		ifs, err := net.Interfaces()
		if err != nil {
			return
		}
		zones.byIndex = make(map[uint32]string, len(ifs))
		zones.byName = make(map[string]uint32, len(ifs))
		for _, ifi := range ifs {
			zones.byIndex[uint32(ifi.Index)] = ifi.Name
			zones.byName[ifi.Name] = uint32(ifi.Index)
		}
	}
}

// ZoneName names the IPv6 scope index: its interface's name, or the index
// in decimal if no interface has it; "" for 0 (no scope).
func ZoneName(index uint32) string {
	if index == 0 {
		return ""
	}
	name, ok := lookupZone(func() map[uint32]string { return zones.byIndex }, index)
	if !ok {
		return strconv.Itoa(int(index))
	}
	return name
}

// ZoneIndex is the IPv6 scope index that name names: an interface's name,
// or an index in decimal; false if it is neither.
func ZoneIndex(name string) (uint32, bool) {
	if index, ok := lookupZone(func() map[string]uint32 { return zones.byName }, name); ok {
		return index, true
	}
	if n, err := strconv.ParseUint(name, 10, 32); err == nil {
		return uint32(n), true
	}
	return 0, false
}

// lookupZone looks k up in the table of zones that table returns (read
// under the lock, since a refresh replaces it), refreshing the table if it
// is stale, or on a miss if the last refresh is old enough.
func lookupZone[K comparable, V any](table func() map[K]V, k K) (V, bool) {
	zones.mu.Lock()
	defer zones.mu.Unlock()
	refreshZonesLocked(zoneTTL)
	v, ok := table()[k]
	if !ok {
		refreshZonesLocked(zoneMissWait)
		v, ok = table()[k]
	}
	return v, ok
}

// AddrPort is a's IP address and port: an IPv4-mapped IPv6 address is
// unmapped (a dual-stack socket's IPv4 peer), and an IPv6 scope is named
// by its interface (ZoneName). It is the zero AddrPort for an address that
// is not an IP one.
func (a Inet) AddrPort() netip.AddrPort {
	switch a.Family {
	case FamilyInet4:
		return netip.AddrPortFrom(netip.AddrFrom4([4]byte(a.IP[:4])), a.Port)
	case FamilyInet6:
		ip := netip.AddrFrom16(a.IP)
		if ip.Is4In6() {
			ip = ip.Unmap()
		} else if a.Zone != 0 {
			ip = ip.WithZone(ZoneName(a.Zone))
		}
		return netip.AddrPortFrom(ip, a.Port)
	}
	return netip.AddrPort{}
}
