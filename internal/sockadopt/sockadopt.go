// Package sockadopt lets package listener build the streams of package
// socket around accepted sockets without an exported constructor that
// trusts its caller, and without an import cycle: listener imports socket,
// so socket cannot name listener, and this package, below both, cannot
// name socket's types.
//
// The hook is typed by a type parameter instead: socket registers, from
// its init, one [Func] per stream type (Register[*socket.TCPStream]), and
// listener looks it up once, at its own initialisation
// (Lookup[*socket.TCPStream]), which Go runs after socket's. The result of
// every accept is then a typed call: no interface value, no assertion.
package sockadopt

import (
	"fmt"
	"net"
	"reflect"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/sockaddr"
)

// Func wraps fd, an accepted, non-blocking socket, in a stream of type S.
// local is its local address when the accepting side knows it, as
// [SharedLocal] made it (nil: the stream looks it up), and peer the peer's
// address as accept returned it (the zero Inet if it returned none), a
// value: the stream keeps it inline and builds its net.Addr on first use.
// The loop polling cx (the accepting task's) answers for the new stream
// from then on: it closes it if it shuts down before any task did.
type Func[S any] func(cx *future.Context, fd int, local any, peer sockaddr.Inet) S

// SharedLocal makes, once per listener, what the listener bound to laddr
// hands every stream it accepts as its local address: one value that all
// of them point to, so that a stream holds no address of its own until
// one is asked. A nil laddr (the listener's address is a wildcard) gives
// nil. Package socket sets it from init.
var SharedLocal func(laddr net.Addr) any

// funcs maps a stream type to its Func. It is written only by Register,
// during package initialisation, and read only after it.
var funcs = map[reflect.Type]any{}

// Register records f as the constructor of streams of type S. Package
// socket calls it from init, once per type.
func Register[S any](f Func[S]) {
	t := reflect.TypeFor[S]()
	if _, dup := funcs[t]; dup {
		panic(fmt.Sprintf("sockadopt: %v registered twice", t))
	}
	funcs[t] = f
}

// Lookup returns the constructor registered for S. It panics if there is
// none, which is a bug in package initialisation that every test shows.
func Lookup[S any]() Func[S] {
	f, ok := funcs[reflect.TypeFor[S]()].(Func[S])
	if !ok {
		panic(fmt.Sprintf("sockadopt: no constructor registered for %v", reflect.TypeFor[S]()))
	}
	return f
}
