package socket_test

import (
	"strconv"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/future"
)

func aioReadExact(r aio.AsyncReader, buf []byte) future.Future[int] { return aio.ReadExact(r, buf) }
func aioReadToEnd(r aio.AsyncReader) future.Future[[]byte]          { return aio.ReadToEnd(r) }
func itoa(n int) string                                             { return strconv.Itoa(n) }
