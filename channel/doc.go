// Package channel holds eddy's channels: the ways tasks, loops and ordinary
// goroutines hand values to one another.
//
//   - [Bounded]: many senders, one receiver, at most the asked capacity of
//     items buffered; a send waits while the channel is full.
//   - [Unbounded]: many senders, one receiver, a send never waits.
//   - [Oneshot]: one value, once; the receiver learns when the sender is gone
//     without sending, and the sender can notice the receiver leaving.
//   - [Watch]: the latest value, for configuration and shutdown signals;
//     many receivers, each seeing every change it has not seen yet
//     (latest wins).
//   - [Broadcast]: one sender (cloneable), many receivers, each receiving
//     every value sent after it subscribed; a send never waits, and a
//     receiver that falls more than the capacity behind learns how many
//     values it missed ([LaggedError]) and goes on.
//
// Every channel is usable between tasks of one loop, between loops, and
// between eddy tasks and ordinary goroutines: each has polling methods for
// tasks and blocking ones (SendBlocking, RecvBlocking, ...) for goroutines.
// A send from any goroutine wakes the receiving task, since wakers are safe
// from any goroutine. Each channel is guarded by one mutex; wakers are woken
// after it is released.
//
// # Capacity is what was asked
//
// Tokio 0.1's bounded channel gave every cloned sender a slot of its own, so
// its capacity grew with each clone. Here a channel made with Bounded(c)
// never holds more than c items, however many senders are cloned: a slot
// reserved by a sender (Sink.PollReady) counts against the capacity, and
// items plus reserved slots never exceed c. Senders waiting for a slot are
// served in the order they started waiting: a freed slot is handed to the
// first waiter, not to whoever asks next.
//
// # Close what you open
//
// Go has no destructors, so a handle must be closed explicitly: the stream
// of a [Receiver] ends only when every [Sender] and every clone has been
// closed, and a slot reserved by a sender is handed on to the next waiting
// sender only when the sender uses it, cancels it ([Sender.CancelReady]) or
// is closed. Close every sender when it is done (defer s.Close()). As a
// safety net, a handle that becomes unreachable without being closed is
// closed by a runtime cleanup after a later garbage collection; that is late
// and unpredictable, so do not rely on it.
//
// # Allocation
//
// Sending and receiving through a bounded or unbounded channel allocates
// nothing in steady state when done with the Sink methods, TrySend,
// SendBlocking, PollNext, TryRecv or RecvBlocking; the ring buffer grows by
// doubling (up to the capacity) and is then reused. Send and the other
// methods that return a future allocate that future. A broadcast channel
// allocates its ring once, when made; its Send, PollNext, TryRecv and
// RecvBlocking allocate nothing except the error of a lag.
//
// # A slow broadcast receiver loses, the others do not wait
//
// A broadcast channel keeps the last capacity values and a send never
// waits, so one receiver that stops taking values neither stalls the
// sender and the other receivers nor grows the channel's memory: once it is
// more than capacity values behind, the oldest values it has not taken are
// overwritten, and its next receive answers a [*LaggedError] with the
// count it missed before going on with the oldest value still kept (the
// policy of Tokio's broadcast channel). Whoever needs every value treats
// the lag as the end (and, say, disconnects that client).
package channel
