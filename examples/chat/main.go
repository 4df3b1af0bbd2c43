// Command chat is a line chat room over TCP: Tokio's chat example. A
// client first gives its name, then every line it sends goes to everyone
// else in the room as "name: line", and joins and leaves are announced.
//
//	go run ./examples/chat -addr 127.0.0.1:6142
//
// Talk to it with `nc 127.0.0.1 6142` from several terminals.
//
// # A client that stops reading
//
// The room is a broadcast channel (channel.Broadcast) that keeps the last
// -backlog messages: sending never waits, so a client that stops reading
// can neither stall the others nor make the server hold more than that. A
// client is disconnected (with a reset, dropping what its socket still
// holds) when its socket takes no data for -write-timeout (it stopped
// reading), or when it falls more than -backlog messages behind (it reads
// more slowly than the room talks). So the server's memory is bounded by
// the backlog (messages of at most 4 KiB), a buffer per connection while it
// reads, and a send buffer of 64 KiB per connection in the kernel.
package main

import (
	"errors"
	"flag"
	"log"
	"os"
	"syscall"
	"time"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/channel"
	"github.com/eddyio/eddy/codec"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/listener"
	"github.com/eddyio/eddy/signal"
	"github.com/eddyio/eddy/socket"
	"github.com/eddyio/eddy/timer"
)

// maxLine bounds a line, and so a message.
const maxLine = 4 << 10

// message is what the room broadcasts: a line of text, and the connection
// it comes from, which does not get it back.
type message struct {
	from *socket.TCPStream
	text string
}

func main() {
	addr := flag.String("addr", "127.0.0.1:6142", "address to listen on")
	backlog := flag.Int("backlog", 256, "messages a client may fall behind before it is disconnected")
	timeout := flag.Duration("write-timeout", 10*time.Second, "disconnect a client whose socket takes no data for this long")
	flag.Parse()
	l, err := listener.BindTCP(*addr)
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()

	room, rx := channel.Broadcast[message](*backlog)
	rx.Close() // each client subscribes when it has given its name
	defer room.Close()
	server := combinators.ForEach(listener.KeepAccepting(l.Incoming()), func(conn *socket.TCPStream) future.Future[struct{}] {
		conn.SetWriteBuffer(64 << 10) // what the kernel may hold for a client that does not read
		return driver.Spawn(aio.Closing(conn, chat(conn, room, *timeout)))
	})

	// The signals are watched from the first poll on, and only then is the
	// address logged: whoever reads that line may signal at once.
	stop := signal.First(os.Interrupt, syscall.SIGTERM)
	listening := future.Lazy(func() (struct{}, error) {
		log.Printf("listening on %v", l.Addr())
		return struct{}{}, nil
	})
	_, err = driver.Run(combinators.SelectEither(stop, combinators.Join(listening, server)))
	var cut *driver.ShutdownError
	if errors.As(err, &cut) {
		log.Printf("stopped; closed %d connections", len(cut.Cancelled))
	} else if err != nil {
		log.Fatal(err)
	}
}

// chat serves one client: its name, then its lines to the room and the
// room's messages to it, until it leaves or is disconnected.
func chat(conn *socket.TCPStream, room *channel.BroadcastSender[message], timeout time.Duration) future.Future[struct{}] {
	r, w := conn.Split()
	write := func(text string) future.Future[struct{}] {
		return combinators.Discard(timer.Timeout(aio.WriteAll(w, []byte(text)), timeout))
	}
	askName := combinators.AndThen(write("Please enter your username:\n"), func(struct{}) future.Future[combinators.Head[string]] {
		return combinators.IntoFuture(codec.NewFramedRead(r, codec.NewLinesMax(maxLine)))
	})
	return combinators.AndThen(askName, func(first combinators.Head[string]) future.Future[struct{}] {
		name, err := first.Item.Result()
		if !first.Item.IsItem() || err != nil {
			return future.Done() // gone before saying who it is
		}
		inbox := room.Subscribe()
		room.Send(message{conn, name + " has joined the chat\n"})
		// Its lines to the room, one per turn of the loop: the clients
		// that read get each line before the next one comes (a burst does
		// not make them lag), and so does its own inbox, which takes its
		// lines too.
		say := combinators.ForEach(first.Rest, func(line string) future.Future[struct{}] {
			room.Send(message{conn, name + ": " + line + "\n"})
			return future.Yield()
		})
		// ...and the others' to it. A lag is an error: it ends this.
		others := combinators.Filter(inbox, func(m message) bool { return m.from != conn })
		hear := combinators.AndThen(write("Welcome, "+name+"!\n"), func(struct{}) future.Future[struct{}] {
			return combinators.ForEach(others, func(m message) future.Future[struct{}] { return write(m.text) })
		})
		return combinators.Then(combinators.Select(say, hear), func(_ combinators.Selected[struct{}], err error) {
			inbox.Close()
			room.Send(message{conn, name + " has left the chat\n"})
			if err != nil {
				log.Printf("%s disconnected: %v", name, err)
				conn.SetLinger(0) // reset: drop what its socket still holds
			} else {
				log.Printf("%s left", name)
			}
		})
	})
}
