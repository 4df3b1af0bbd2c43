package socket

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"sync"

	"github.com/eddyio/eddy/future"
)

// resolveFuture looks a host name up on its own goroutine, so that the loop
// never blocks on DNS, and wakes the polling task when the answer is in.
type resolveFuture struct {
	network, addr string

	started bool
	done    bool
	mu      sync.Mutex // guards the fields below, shared with the lookup goroutine
	waker   future.Waker
	result  []*net.TCPAddr
	err     error
	ready   bool
}

// ResolveTCP returns a future of the TCP addresses of addr, a "host:port"
// as net.Dial accepts it: a literal IP resolves at once; a host name is
// looked up with net.DefaultResolver on a goroutine of its own, started on
// the first poll, so that no loop ever waits for DNS. network is "tcp",
// "tcp4" or "tcp6" and filters the answers.
func ResolveTCP(network, addr string) future.Future[[]*net.TCPAddr] {
	return &resolveFuture{network: network, addr: addr}
}

func (r *resolveFuture) Poll(cx *future.Context) future.Poll[[]*net.TCPAddr] {
	if r.done {
		return future.Fail[[]*net.TCPAddr](future.ErrPolledAfterCompletion)
	}
	if !r.started {
		r.started = true
		host, port, err := splitHostPort(r.network, r.addr)
		if err != nil {
			r.done = true
			return future.Fail[[]*net.TCPAddr](err)
		}
		if ip, err := netip.ParseAddr(host); err == nil || host == "" {
			r.done = true
			a := &net.TCPAddr{IP: ip.AsSlice(), Port: port, Zone: ip.Zone()}
			if host == "" {
				a.IP = loopbackFor(r.network)
			}
			if !familyOK(r.network, a.IP) {
				return future.Fail[[]*net.TCPAddr](&net.AddrError{Err: "address family does not match network " + r.network, Addr: r.addr})
			}
			return future.Ok([]*net.TCPAddr{a})
		}
		r.mu.Lock()
		r.waker = cx.Waker()
		r.mu.Unlock()
		go r.lookup(host, port)
		return future.Pending[[]*net.TCPAddr]()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.ready {
		r.waker = cx.Waker()
		return future.Pending[[]*net.TCPAddr]()
	}
	r.done = true
	return future.Result(r.result, r.err)
}

func (r *resolveFuture) lookup(host string, port int) {
	ips, err := net.DefaultResolver.LookupNetIP(context.Background(), ipNetwork(r.network), host)
	var addrs []*net.TCPAddr
	for _, ip := range ips {
		addrs = append(addrs, &net.TCPAddr{IP: ip.Unmap().AsSlice(), Port: port, Zone: ip.Zone()})
	}
	if err == nil && len(addrs) == 0 {
		err = &net.DNSError{Err: "no suitable address found", Name: host, IsNotFound: true}
	}
	r.mu.Lock()
	r.result, r.err, r.ready = addrs, err, true
	w := r.waker
	r.waker = nil
	r.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

func splitHostPort(network, addr string) (string, int, error) {
	switch network {
	case "tcp", "tcp4", "tcp6":
	default:
		return "", 0, net.UnknownNetworkError(network)
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, err
	}
	pn, err := net.LookupPort(network, port)
	if err != nil {
		return "", 0, err
	}
	return host, pn, nil
}

func ipNetwork(network string) string {
	switch network {
	case "tcp4":
		return "ip4"
	case "tcp6":
		return "ip6"
	}
	return "ip"
}

func loopbackFor(network string) net.IP {
	if network == "tcp6" {
		return net.IPv6loopback
	}
	return net.IPv4(127, 0, 0, 1)
}

func familyOK(network string, ip net.IP) bool {
	switch network {
	case "tcp4":
		return ip.To4() != nil
	case "tcp6":
		return ip.To4() == nil
	}
	return true
}

// errNoAddress reports a resolution with nothing to connect to.
var errNoAddress = fmt.Errorf("socket: no address to connect to")
