package signal_test

import (
	"errors"
	"fmt"
	"os"
	"syscall"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/signal"
)

// kill sends sig to this process when polled: it stands for the user
// pressing Ctrl-C, or for kill(1).
func kill(sig syscall.Signal) future.Future[struct{}] {
	return future.Lazy(func() (struct{}, error) { return struct{}{}, syscall.Kill(os.Getpid(), sig) })
}

func ExampleStream() {
	sigs := signal.Stream(syscall.SIGHUP)
	defer sigs.Close()
	one := combinators.Collect(combinators.Take(sigs, 1))
	got, err := driver.Run(combinators.Join(one, kill(syscall.SIGHUP)))
	fmt.Println(got.First, err)
	// Output: [hangup] <nil>
}

func ExampleSignals() {
	// Signals is a stream.Stream[os.Signal]: every stream combinator takes
	// it. This one counts two signals.
	sigs := signal.Stream(syscall.SIGUSR1, syscall.SIGUSR2)
	defer sigs.Close()
	count := combinators.Fold(combinators.Take(sigs, 2), 0,
		func(n int, _ os.Signal) future.Future[int] { return future.Ready(n + 1) })
	send := combinators.AndThen(kill(syscall.SIGUSR1), func(struct{}) future.Future[struct{}] {
		return kill(syscall.SIGUSR2)
	})
	got, err := driver.Run(combinators.Join(count, send))
	fmt.Println(got.First, err)
	// Output: 2 <nil>
}

func ExampleSignals_PollNext() {
	sigs := signal.Stream(syscall.SIGUSR1)
	defer sigs.Close()
	next := future.PollFn(func(cx *future.Context) future.Poll[os.Signal] {
		p := sigs.PollNext(cx)
		if p.IsPending() {
			return future.Pending[os.Signal]()
		}
		return future.Ok(p.Value())
	})
	got, err := driver.Run(combinators.Join(next, kill(syscall.SIGUSR1)))
	fmt.Println(got.First, err)
	// Output: user defined signal 1 <nil>
}

func ExampleSignals_Close() {
	sigs := signal.Stream(syscall.SIGUSR1)
	sigs.Close() // stops relaying; the stream ends
	n, err := driver.Run(combinators.Collect(sigs))
	fmt.Println(len(n), err)
	// Output: 0 <nil>
}

func ExampleSignals_Abandon() {
	// Select abandons its loser (when the combinators tell it): the stream
	// stops relaying at once. By hand:
	sigs := signal.Stream(syscall.SIGUSR1)
	sigs.Abandon()
	n, _ := driver.Run(combinators.Collect(sigs))
	fmt.Println(len(n))
	// Output: 0
}

func ExampleFirst() {
	// A server runs until SIGTERM or SIGINT; Select ends it at the first.
	server := future.Never[os.Signal]()
	stop := signal.First(syscall.SIGTERM, syscall.SIGINT)
	got, err := driver.Run(combinators.Join(combinators.Select(server, stop), kill(syscall.SIGTERM)))
	fmt.Println(got.First.Index, got.First.Value, err)
	// Output: 1 terminated <nil>
}

func ExampleCtrlC() {
	_, err := driver.Run(combinators.Join(signal.CtrlC(), kill(syscall.SIGINT)))
	fmt.Println("interrupted:", err)
	// Output: interrupted: <nil>
}

func ExampleErrClosed() {
	// A First whose stream was closed before a signal arrived (by its
	// loop's Close, or abandoned as here) fails with ErrClosed.
	f := signal.First(syscall.SIGUSR2)
	f.(interface{ Abandon() }).Abandon()
	_, err := driver.Run(f)
	fmt.Println(errors.Is(err, signal.ErrClosed))
	// Output: true
}

func ExampleBuffer() {
	fmt.Println(signal.Buffer)
	// Output: 16
}
