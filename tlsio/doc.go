// Package tlsio runs TLS, the standard crypto/tls, over any
// [aio.AsyncReadWriter] (a socket.TCPStream, a Unix stream, anything that
// reads and writes without blocking), as a [Stream] that tasks read and
// write like the stream below.
//
// It is named tlsio, not tls, so that its users can import crypto/tls
// beside it for the tls.Config.
package tlsio
