//go:build linux

package netpoll

import (
	"bytes"
	"io"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// soleTCP returns a registry, and an FD of a sole TCP socket (SetSole,
// SetTCP) whose descriptor a is connected over loopback to b, the test's
// blocking peer. Both are closed at the end of the test, which fails if
// it leaves a descriptor open.
func soleTCP(t *testing.T) (r *Registry, fd *FD, a, b int) {
	t.Helper()
	checkFDLeaks(t)
	r = newRegistry(t)
	a, b = tcpPair(t)
	fd = NewFD(a, nil)
	t.Cleanup(func() { fd.Close() })
	fd.SetSole()
	fd.SetTCP()
	return r, fd, a, b
}

// tcpPair returns a connected pair of loopback TCP sockets: a is
// non-blocking, for an FD, which the caller makes and closes; b is
// blocking, the test's peer, closed at the end of the test.
func tcpPair(t *testing.T) (a, b int) {
	t.Helper()
	ln, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatalf("socket: %v", err)
	}
	defer unix.Close(ln)
	if err := unix.Bind(ln, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatalf("bind: %v", err)
	}
	if err := unix.Listen(ln, 1); err != nil {
		t.Fatalf("listen: %v", err)
	}
	sa, err := unix.Getsockname(ln)
	if err != nil {
		t.Fatalf("getsockname: %v", err)
	}
	b, err = unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatalf("socket: %v", err)
	}
	t.Cleanup(func() { unix.Close(b) })
	if err := unix.Connect(b, sa); err != nil {
		t.Fatalf("connect: %v", err)
	}
	a, _, err = unix.Accept4(ln, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
	if err != nil {
		t.Fatalf("accept4: %v", err)
	}
	return a, b
}

// sendAndWait writes data on b and waits until all of it is in a's
// receive queue, so that a read on a sees it whole.
func sendAndWait(t *testing.T, a, b int, data []byte) {
	t.Helper()
	queued, err := unix.IoctlGetInt(a, unix.SIOCINQ)
	if err != nil {
		t.Fatalf("SIOCINQ: %v", err)
	}
	if _, err := unix.Write(b, data); err != nil {
		t.Fatalf("write: %v", err)
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		n, err := unix.IoctlGetInt(a, unix.SIOCINQ)
		if err != nil {
			t.Fatalf("SIOCINQ: %v", err)
		}
		if n >= queued+len(data) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d bytes arrived in 5s", n-queued, len(data))
		}
	}
}

// readFull polls one PollRead into buf and wants it full of want.
func readFull(t *testing.T, fd *FD, r *Registry, buf, want []byte) {
	t.Helper()
	cx, _ := hostCx(r)
	p := fd.PollRead(cx, buf)
	if p.IsPending() || p.Err() != nil || !bytes.Equal(buf[:p.Value()], want) {
		t.Fatalf("PollRead = %d bytes, %v (pending %v); want %d bytes", p.Value(), p.Err(), p.IsPending(), len(want))
	}
}

// TestFullReadThatLeftNothingClearsReadiness: on a sole TCP socket, the
// first read that fills its buffer turns TCP_INQ on; from then on, a full
// read that the kernel says left nothing marks the read side not ready,
// as a short read does, so the next read is pending with no system call,
// and a full read that left bytes behind keeps it ready.
func TestFullReadThatLeftNothingClearsReadiness(t *testing.T) {
	r, fd, a, b := soleTCP(t)
	cx, w := hostCx(r)
	block := bytes.Repeat([]byte("0123456789abcdef"), 256) // 4 KiB
	buf := make([]byte, len(block))

	// The first full read is a plain one: nothing says what it left.
	sendAndWait(t, a, b, block)
	markReadable(t, r, fd, cx)
	readFull(t, fd, r, buf, block)
	if s := fd.state.Load(); s&(fdInq|fdFilled) != fdInq|fdFilled {
		t.Fatalf("state after a full read = %#x; want TCP_INQ on and the read recorded as full", s)
	}
	if on, err := unix.GetsockoptInt(a, unix.IPPROTO_TCP, unix.TCP_INQ); err != nil || on != 1 {
		t.Fatalf("TCP_INQ = %d, %v; want 1", on, err)
	}
	if !fd.reg.Load().readReady() {
		t.Fatalf("read side not ready after a plain full read; want ready (more may be waiting)")
	}
	if p := fd.PollRead(cx, buf); !p.IsPending() {
		t.Fatalf("PollRead on an empty queue = %d, %v; want pending", p.Value(), p.Err())
	}

	// Two blocks queued: the first full read leaves one behind and keeps
	// the side ready; the second leaves nothing and clears it.
	woken := w.Count()
	sendAndWait(t, a, b, append(append([]byte(nil), block...), block...))
	dispatchUntil(t, r, func() bool { return w.Count() > woken })
	readFull(t, fd, r, buf, block)
	if !fd.reg.Load().readReady() {
		t.Fatalf("read side not ready after a full read that left %d bytes", len(block))
	}
	readFull(t, fd, r, buf, block)
	if fd.reg.Load().readReady() {
		t.Fatalf("read side still ready after a full read that left nothing")
	}
	if p := fd.PollRead(cx, buf); !p.IsPending() {
		t.Fatalf("PollRead after a full read that left nothing = %d, %v; want pending", p.Value(), p.Err())
	}

	// The next data's edge wakes the task; a short read ends the run of
	// full ones.
	woken = w.Count()
	sendAndWait(t, a, b, block[:100])
	dispatchUntil(t, r, func() bool { return w.Count() > woken })
	readFull(t, fd, r, buf, block[:100])
	if s := fd.state.Load(); s&fdFilled != 0 {
		t.Fatalf("state after a short read = %#x; want the run of full reads ended", s)
	}
}

// TestFullReadBeforeFINKeepsEndOfInput: data that fills the buffer and the
// peer's FIN arrive together, and the read comes before the loop sees the
// FIN's report. The kernel answers that a byte is left when the FIN is in,
// so the read side stays ready and the next read returns the end of input
// at once, with no new edge to wait for.
func TestFullReadBeforeFINKeepsEndOfInput(t *testing.T) {
	r, fd, a, b := soleTCP(t)
	cx, _ := hostCx(r)
	block := bytes.Repeat([]byte("x"), 1024)
	buf := make([]byte, len(block))
	sendAndWait(t, a, b, block) // the first full read turns TCP_INQ on
	markReadable(t, r, fd, cx)
	readFull(t, fd, r, buf, block)
	if p := fd.PollRead(cx, buf); !p.IsPending() {
		t.Fatalf("PollRead on an empty queue = %d, %v; want pending", p.Value(), p.Err())
	}

	sendAndWait(t, a, b, block)
	if err := unix.Shutdown(b, unix.SHUT_WR); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	pfd := []unix.PollFd{{Fd: int32(a), Events: unix.POLLRDHUP}}
	if n, err := unix.Poll(pfd, 5000); n != 1 || err != nil {
		t.Fatalf("poll(POLLRDHUP) = %d, %v; want the FIN in", n, err)
	}
	// The data's report only, as if the loop had waited before the FIN.
	r.Dispatch([]Event{{Token: fd.reg.Load().Token(), Readable: true}})
	readFull(t, fd, r, buf, block)
	if !fd.reg.Load().readReady() {
		t.Fatalf("read side not ready after a full read with the FIN behind it")
	}
	if p := fd.PollRead(cx, buf); p.IsPending() || p.Err() != io.EOF {
		t.Fatalf("PollRead after the last block = %d, %v (pending %v); want EOF", p.Value(), p.Err(), p.IsPending())
	}
}

// TestSharedTCPReadsStayPlain: TCP_INQ is turned on only for a descriptor
// eddy holds alone, and SetShared (a duplicate is about to be handed out)
// turns it off again, since another holder's recvmsg would not expect the
// control message.
func TestSharedTCPReadsStayPlain(t *testing.T) {
	r, fd, a, b := soleTCP(t)
	fd.SetShared() // not sole (and SetShared clears SetTCP)
	fd.SetTCP()
	cx, _ := hostCx(r)
	block := bytes.Repeat([]byte("y"), 512)
	buf := make([]byte, len(block))
	sendAndWait(t, a, b, block)
	markReadable(t, r, fd, cx)
	readFull(t, fd, r, buf, block)
	if on, err := unix.GetsockoptInt(a, unix.IPPROTO_TCP, unix.TCP_INQ); err != nil || on != 0 {
		t.Fatalf("TCP_INQ on a shared descriptor = %d, %v; want 0", on, err)
	}

	fd.SetSole()
	fd.SetTCP()
	sendAndWait(t, a, b, block)
	readFull(t, fd, r, buf, block)
	if on, err := unix.GetsockoptInt(a, unix.IPPROTO_TCP, unix.TCP_INQ); err != nil || on != 1 {
		t.Fatalf("TCP_INQ after a full read of a sole descriptor = %d, %v; want 1", on, err)
	}
	if err := fd.Incref(); err != nil {
		t.Fatal(err)
	}
	fd.SetShared()
	fd.Decref()
	if on, err := unix.GetsockoptInt(a, unix.IPPROTO_TCP, unix.TCP_INQ); err != nil || on != 0 {
		t.Fatalf("TCP_INQ after SetShared = %d, %v; want 0", on, err)
	}
}
