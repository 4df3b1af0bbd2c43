package codec

import (
	"errors"
	"net"
	"net/netip"
	"strconv"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/socket"
	"github.com/eddyio/eddy/stream"
)

// DefaultDatagramSize is the receive buffer of a [UDPFramed] unless
// SetDatagramSize says otherwise: 64 KiB, the largest UDP payload.
const DefaultDatagramSize = 64 << 10

// Packet is a frame and the address of its peer: the sender of a frame
// received, the destination of a frame to send.
type Packet[T any] struct {
	Frame T
	Addr  netip.AddrPort
}

// DatagramError is the item error of a [UDPFramed] stream for a datagram
// that does not decode into exactly one frame. The stream goes on with the
// next datagram.
type DatagramError struct {
	Addr netip.AddrPort // the sender
	Len  int            // the datagram's length
	Left int            // bytes left over after the frame, or all of them if none was decoded
	Err  error          // the decoder's error, if it failed
}

// Error says which datagram and what was wrong with it.
func (e *DatagramError) Error() string {
	s := "codec: datagram of " + strconv.Itoa(e.Len) + " bytes from " + e.Addr.String() + ": "
	switch {
	case e.Err != nil:
		return s + e.Err.Error()
	case e.Left == e.Len:
		return s + "no frame"
	}
	return s + strconv.Itoa(e.Left) + " bytes after the frame"
}

// Unwrap returns the decoder's error, if any.
func (e *DatagramError) Unwrap() error { return e.Err }

// UDPFramed is a UDP socket seen through a [Codec]: a stream of the
// [Packet] values received, one datagram per frame, and a sink of the
// packets to send, each frame encoded into one datagram to its address.
//
// Each datagram is decoded alone, as if it were the whole input (Decode,
// then DecodeEOF when the decoder has it and gave no frame; after a
// datagram that failed, DecodeEOF of an empty input resets the decoder's
// state, so the next datagram starts afresh): a datagram
// that does not make exactly one frame, or that the decoder refuses, is a
// [*DatagramError] item error, and the stream goes on. A receive error is
// an item error too (a datagram larger than the buffer: socket's
// ErrTruncated); the stream ends when the socket is closed. The receive
// buffer ([DefaultDatagramSize]) is allocated on the first poll and kept:
// there is one per socket, not per peer.
//
// The sink holds at most one encoded datagram: PollReady sends the one
// waiting before it answers ready, PollFlush sends it, PollClose flushes
// (the socket stays open; closing it is the caller's). A send error is
// answered by the PollReady or PollFlush that met it; the datagram is
// dropped and the sink goes on, since UDP errors concern one datagram (an
// ICMP port unreachable reported on the next send, a datagram too large).
type UDPFramed[In, Out any] struct {
	sock    *socket.UDPSocket
	c       Codec[In, Out]
	eofDec  EOFDecoder[In]
	size    int
	rbuf    []byte
	out     []byte // the encoded datagram waiting; kept for reuse
	to      netip.AddrPort
	waiting bool
	done    bool   // the socket was closed: the stream ended
	src     Buffer // the datagram being decoded: a field, since a Buffer passed to the codec's methods escapes
}

// NewUDPFramed returns the packets c decodes from sock's datagrams and the
// sink of packets c encodes into datagrams. Nothing is received or sent
// until it is polled.
func NewUDPFramed[In, Out any](sock *socket.UDPSocket, c Codec[In, Out]) *UDPFramed[In, Out] {
	f := &UDPFramed[In, Out]{sock: sock, c: c, size: DefaultDatagramSize}
	f.eofDec, _ = c.(EOFDecoder[In])
	return f
}

// SetDatagramSize sets the size of the receive buffer before the first
// poll: the largest datagram received whole.
func (f *UDPFramed[In, Out]) SetDatagramSize(n int) {
	if f.rbuf == nil && n > 0 {
		f.size = n
	}
}

// Socket returns the socket.
func (f *UDPFramed[In, Out]) Socket() *socket.UDPSocket { return f.sock }

// PollNext receives the next datagram and decodes it.
func (f *UDPFramed[In, Out]) PollNext(cx *future.Context) stream.Poll[Packet[In]] {
	if f.done {
		return stream.End[Packet[In]]()
	}
	if f.rbuf == nil {
		f.rbuf = make([]byte, f.size)
	}
	p := f.sock.PollRecvFrom(cx, f.rbuf)
	if p.IsPending() {
		return stream.Pending[Packet[In]]()
	}
	if err := p.Err(); err != nil {
		if errors.Is(err, net.ErrClosed) {
			f.done, f.rbuf, f.src = true, nil, Buffer{}
			return stream.End[Packet[In]]()
		}
		return stream.Fail[Packet[In]](err)
	}
	d := p.Value()
	frame, err := f.decode(d.Data, d.Addr)
	if err != nil {
		return stream.Fail[Packet[In]](err)
	}
	return stream.Item(Packet[In]{Frame: frame, Addr: d.Addr})
}

// decode makes one frame of a whole datagram.
func (f *UDPFramed[In, Out]) decode(data []byte, from netip.AddrPort) (In, error) {
	f.src = Buffer{buf: data} // data is the front of rbuf, which f holds anyway
	src := &f.src
	frame, ok, err := f.c.Decode(src)
	if !ok && err == nil && f.eofDec != nil {
		frame, ok, err = f.eofDec.DecodeEOF(src)
	}
	if err == nil && ok && src.Len() == 0 {
		return frame, nil
	}
	if f.eofDec != nil {
		// The datagram is the whole input: let the decoder drop what it
		// kept of it (a long line it was skipping), so that the next
		// datagram starts afresh.
		f.eofDec.DecodeEOF(&Buffer{})
	}
	var zero In
	return zero, &DatagramError{Addr: from, Len: len(data), Left: src.Len(), Err: err}
}

// PollReady sends the datagram waiting, if any, and answers ready when the
// sink takes the next packet.
func (f *UDPFramed[In, Out]) PollReady(cx *future.Context) future.Poll[struct{}] {
	return f.send(cx)
}

// StartSend encodes packet's frame into the datagram to send to its
// address. Call it only after PollReady answered ready. An encoder's error
// is returned, and nothing is sent.
func (f *UDPFramed[In, Out]) StartSend(packet Packet[Out]) error {
	if f.waiting {
		return errors.New("codec: StartSend without PollReady")
	}
	b, err := f.c.Encode(f.out[:0], packet.Frame)
	if err != nil {
		return err
	}
	f.out, f.to, f.waiting = b, packet.Addr, true
	return nil
}

// PollFlush sends the datagram waiting.
func (f *UDPFramed[In, Out]) PollFlush(cx *future.Context) future.Poll[struct{}] { return f.send(cx) }

// PollClose sends the datagram waiting. The socket is not closed.
func (f *UDPFramed[In, Out]) PollClose(cx *future.Context) future.Poll[struct{}] { return f.send(cx) }

func (f *UDPFramed[In, Out]) send(cx *future.Context) future.Poll[struct{}] {
	if !f.waiting {
		return future.Ok(struct{}{})
	}
	p := f.sock.PollSendTo(cx, f.out, f.to)
	if p.IsPending() {
		return future.Pending[struct{}]()
	}
	f.waiting = false
	return future.Result(struct{}{}, p.Err())
}

// Abandon drops the datagram waiting to be sent and the receive buffer
// (future.Abandoner). The socket is not closed.
func (f *UDPFramed[In, Out]) Abandon() {
	f.waiting, f.rbuf, f.out, f.src = false, nil, nil, Buffer{}
}
