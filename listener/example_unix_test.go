package listener_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	iocopy "github.com/eddyio/eddy/copy"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/listener"
	"github.com/eddyio/eddy/socket"
)

func ExampleBindUnix() {
	dir, err := os.MkdirTemp("", "eddy-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "echo.sock")

	l, err := listener.BindUnix(path)
	if err != nil {
		log.Fatal(err)
	}
	// An echo server for one connection: copy it to itself, then close it.
	server := combinators.ForEach(combinators.Take(l.Incoming(), 1),
		func(conn *socket.UnixStream) future.Future[struct{}] {
			r, w := conn.Split()
			return combinators.Then(iocopy.Copy(r, w), func(int64, error) { conn.Close() })
		})
	client := combinators.AndThen(socket.ConnectUnix(path), func(s *socket.UnixStream) future.Future[[]byte] {
		write := combinators.AndThen(aio.WriteAll(s, []byte("hello, listener")),
			func(int) future.Future[struct{}] { return aio.Shutdown(s) })
		both := combinators.Join(write, aio.ReadToEnd(s))
		return combinators.Map(both, func(p combinators.Pair[struct{}, []byte]) []byte {
			s.Close()
			return p.Second
		})
	})
	got, err := driver.Run(combinators.Join(server, client))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s\n", got.Second)

	// Run closed its loop on return, and the loop closed the listener,
	// which removed the socket file it had created.
	_, err = os.Stat(path)
	fmt.Println("socket file removed:", os.IsNotExist(err))
	// Output:
	// hello, listener
	// socket file removed: true
}
