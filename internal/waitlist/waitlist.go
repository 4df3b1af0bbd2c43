// Package waitlist is the intrusive FIFO of waiters that channels and the
// semaphore queue their waiting tasks in: the node lives inside the value
// that waits (a channel handle's waiter, a semaphore request), so queueing
// and leaving the queue allocate nothing, and a waiter can leave from the
// middle in constant time when it gives up.
//
// A waiting type embeds Node with itself as the type argument:
//
//	type waiter struct {
//		waitlist.Node[waiter]
//		waker future.Waker
//	}
//
//	var q waitlist.List[waiter, *waiter]
//
// The list does no locking: its owner guards it and its nodes with its own
// mutex.
package waitlist

// Node links a value of type T into a List. A value is in at most one list
// at a time; the zero Node is not queued.
type Node[T any] struct {
	prev, next *T
	queued     bool
}

// Queued reports whether the value is in a list.
func (n *Node[T]) Queued() bool { return n.queued }

func (n *Node[T]) node() *Node[T] { return n }

// Elem is the pointer type of a value that embeds Node[T]. Its method is
// unexported: only embedding Node provides it.
type Elem[T any] interface {
	*T
	node() *Node[T]
}

// List is a FIFO of values of type T, linked through the Node each embeds.
// The zero List is empty.
type List[T any, P Elem[T]] struct {
	head, tail P
}

// Front returns the first value, or nil.
func (l *List[T, P]) Front() P { return l.head }

// Empty reports whether the list holds no value.
func (l *List[T, P]) Empty() bool { return l.head == nil }

// Next returns the value after e in its list, or nil.
func (l *List[T, P]) Next(e P) P { return P(e.node().next) }

// PushBack queues e last. e must not be queued.
func (l *List[T, P]) PushBack(e P) {
	n := e.node()
	n.prev, n.next, n.queued = (*T)(l.tail), nil, true
	if l.tail == nil {
		l.head = e
	} else {
		l.tail.node().next = (*T)(e)
	}
	l.tail = e
}

// Remove takes e out of the list; it does nothing if e is not queued.
func (l *List[T, P]) Remove(e P) {
	n := e.node()
	if !n.queued {
		return
	}
	if n.prev == nil {
		l.head = P(n.next)
	} else {
		P(n.prev).node().next = n.next
	}
	if n.next == nil {
		l.tail = P(n.prev)
	} else {
		P(n.next).node().prev = n.prev
	}
	n.prev, n.next, n.queued = nil, nil, false
}

// PopFront removes and returns the first value, or nil if the list is
// empty.
func (l *List[T, P]) PopFront() P {
	e := l.head
	if e != nil {
		l.Remove(e)
	}
	return e
}
