// Package servers holds the echo servers that eddy's benchmarks compare:
// eddy itself, the standard library (a goroutine and io.Copy per
// connection), and the event-loop libraries gnet, cloudwego/netpoll,
// lesismal/nbio and tidwall/evio, and a reference peer with no library: a
// minimal edge-triggered epoll loop on golang.org/x/sys/unix.
//
// Every server is started the same way, by a [StartFunc]: it listens on
// the address it is given with the number of event loops it is given,
// answers every byte with the same byte, and returns once a client's echo
// round trip has succeeded.
package servers

import (
	"fmt"
	"io"
	"net"
	"strconv"
	"time"

	iocopy "github.com/eddyio/eddy/copy"
)

// BufferSize is the read buffer of every server where it can be set: the
// size of eddy's Copy buffer. The net server's io.Copy uses as much (32
// KiB); evio's is fixed at 64 KiB; netpoll sizes its own.
const BufferSize = iocopy.BufferSize

// StartFunc starts an echo server on addr, a "host:port" (port 0 picks a
// free port), with loops event loops (the servers without loops ignore
// it). It returns once the server echoes, with the address it listens on
// and a function that stops it.
type StartFunc func(addr string, loops int) (bound string, stop func(), err error)

// Server names one echo server.
type Server struct {
	Name  string
	Start StartFunc
}

// All lists the servers in the order the comparisons print them, eddy
// first.
var All = []Server{
	{"eddy", Eddy},
	{"eddy-handoff", EddyHandoff},
	{"net", Net},
	{"gnet", Gnet},
	{"netpoll", Netpoll},
	{"nbio", Nbio},
	{"evio", Evio},
	{"rawepoll", RawEpoll},
}

// Lookup returns the server called name.
func Lookup(name string) (Server, bool) {
	for _, s := range All {
		if s.Name == name {
			return s, true
		}
	}
	return Server{}, false
}

// concrete returns addr with port 0 replaced by a port that is free now,
// for the libraries whose listeners cannot report the port the kernel
// chose, or that bind several listeners which must share one port.
func concrete(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", err
	}
	if port != "0" {
		return addr, nil
	}
	l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return "", err
	}
	defer l.Close()
	return net.JoinHostPort(host, strconv.Itoa(l.Addr().(*net.TCPAddr).Port)), nil
}

// probe waits until the server at addr echoes, for at most five seconds.
func probe(addr string) error {
	deadline := time.Now().Add(5 * time.Second)
	var err error
	for time.Now().Before(deadline) {
		if err = roundTrip(addr, deadline); err == nil {
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("echo server at %s not answering: %w", addr, err)
}

// roundTrip sends one message to addr and checks its echo.
func roundTrip(addr string, deadline time.Time) error {
	c, err := net.DialTimeout("tcp", addr, time.Until(deadline))
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(deadline)
	out := []byte("probe")
	if _, err := c.Write(out); err != nil {
		return err
	}
	in := make([]byte, len(out))
	if _, err := io.ReadFull(c, in); err != nil {
		return err
	}
	if string(in) != string(out) {
		return fmt.Errorf("echoed %q; want %q", in, out)
	}
	return nil
}

// started finishes a Start: it probes the server and stops it if the
// probe fails.
func started(addr string, stop func()) (string, func(), error) {
	if err := probe(addr); err != nil {
		stop()
		return "", nil, err
	}
	return addr, stop, nil
}
