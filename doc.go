// Package eddy is Tokio's futures-and-reactor model of asynchronous I/O, done
// natively in Go. This package holds no code; the library is in its
// subpackages.
//
// Work is described as lazy, poll-based futures and streams, composed with
// combinators, and nothing happens until a driver loop polls them. The loop
// drives non-blocking sockets through an edge-triggered reactor (epoll on
// Linux, kqueue on macOS and the BSDs), so one loop serves many connections
// with no goroutine, no stack and no buffer per idle connection.
//
// # Packages
//
// The algebra, with no I/O:
//
//   - [github.com/eddyio/eddy/future]: Future, the Poll result, the task
//     Context and Waker, leaf futures.
//   - [github.com/eddyio/eddy/stream]: Stream and Sink, leaf streams.
//   - [github.com/eddyio/eddy/combinators]: Map, MapErr, AndThen, Then,
//     ForEach, Join, Select, ... (bare names for futures, a Stream suffix for
//     the stream versions, a Sink prefix for what takes a sink first).
//
// The engine:
//
//   - [github.com/eddyio/eddy/driver]: the driver loop (Run, RunWith, New,
//     BlockOn, Spawn, Sleep), with graceful shutdown and a stall detector.
//
// I/O on the engine:
//
//   - [github.com/eddyio/eddy/aio]: AsyncReader and AsyncWriter, Split,
//     ReadExact, WriteAll, ReadToEnd, Shutdown.
//   - [github.com/eddyio/eddy/socket]: non-blocking TCP streams and ConnectTCP.
//   - [github.com/eddyio/eddy/listener]: BindTCP, Accept, Incoming and
//     KeepAccepting.
//   - [github.com/eddyio/eddy/copy]: Copy, imported as iocopy because the
//     package name shadows the builtin copy.
//
// # The shortest server
//
// The echo server in examples/echo accepts connections with
// listener.BindTCP(addr).Incoming(), echoes each with copy.Copy in a task of
// its own (driver.Spawn), and runs everything with driver.BlockOn. The
// repository's docs/io-overview.md walks through it line by line, and
// docs/architecture.md records the design decisions.
package eddy
