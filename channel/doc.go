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
// methods that return a future allocate that future.
package channel
