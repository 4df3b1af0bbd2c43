package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// FuturesOrdered is a dynamic set of futures run concurrently within the
// polling task, like [FuturesUnordered], whose results come out in the order
// the futures were pushed: a result that completes early is held until every
// future pushed before it has yielded. A value is an item, an error an item
// error; an error ends neither the set nor the other futures.
//
// Each future is polled only when its own wake-up fired, as in
// [FuturesUnordered]. An empty set answers the end and may be pushed to again
// afterwards. Push, Len and PollNext are called by the task that owns the
// set. The zero value is not usable; use [NewFuturesOrdered].
type FuturesOrdered[T any] struct {
	set  *FuturesUnordered[T]
	out  []setOrderedSlot[T] // out[head:] are the results by push order
	head int
	base uint64 // the sequence number of out[head]
}

// setOrderedSlot holds the result of one pushed future once it completed.
type setOrderedSlot[T any] struct {
	p    stream.Poll[T]
	done bool
}

// NewFuturesOrdered returns an empty set.
func NewFuturesOrdered[T any]() *FuturesOrdered[T] {
	return &FuturesOrdered[T]{set: NewFuturesUnordered[T]()}
}

// Push adds f at the back of the set. f is polled on the set's next poll.
func (o *FuturesOrdered[T]) Push(f future.Future[T]) {
	o.set.push(f)
	o.out = append(o.out, setOrderedSlot[T]{})
}

// Len returns the number of results not yet yielded: futures still running
// and results held back for order.
func (o *FuturesOrdered[T]) Len() int { return len(o.out) - o.head }

// PollNext yields the result of the oldest future once it has completed. It
// answers pending while that future has not (every future left has arranged
// its wake-up), and the end when the set is empty.
func (o *FuturesOrdered[T]) PollNext(cx *future.Context) stream.Poll[T] {
	for {
		if o.head == len(o.out) {
			return stream.End[T]()
		}
		if first := &o.out[o.head]; first.done {
			p := first.p
			*first = setOrderedSlot[T]{}
			o.head++
			o.base++
			if o.head == len(o.out) {
				o.out, o.head = o.out[:0], 0
			} else if o.head >= 32 && 2*o.head >= len(o.out) {
				n := copy(o.out, o.out[o.head:])
				clear(o.out[n:])
				o.out, o.head = o.out[:n], 0
			}
			return p
		}
		seq, p := o.set.pollNext(cx)
		if !p.IsItem() {
			return stream.Pending[T]() // the set cannot end while out is not empty
		}
		o.out[o.head+int(seq-o.base)] = setOrderedSlot[T]{p: p, done: true}
	}
}

// Abandon abandons every future of the set that has not completed
// (future.Abandon), drops the results held back, and empties the set, as
// [FuturesUnordered.Abandon] does. The set may be used again afterwards.
func (o *FuturesOrdered[T]) Abandon() {
	o.set.Abandon()
	clear(o.out)
	o.out, o.head, o.base = o.out[:0], 0, o.set.next
}
