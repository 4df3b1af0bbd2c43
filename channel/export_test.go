package channel

// Peaks reports the most values r's channel ever buffered, and the most
// buffered values plus reserved slots.
func Peaks[T any](r *Receiver[T]) (items, used int) {
	r.c.mu.Lock()
	defer r.c.mu.Unlock()
	return r.c.peakItems, r.c.peakUsed
}

// Senders reports how many senders of r's channel are open.
func Senders[T any](r *Receiver[T]) int {
	r.c.mu.Lock()
	defer r.c.mu.Unlock()
	return r.c.senders
}

// Waiting reports how many senders wait for a slot on r's channel.
func Waiting[T any](r *Receiver[T]) int {
	r.c.mu.Lock()
	defer r.c.mu.Unlock()
	n := 0
	for w := r.c.sendq.Front(); w != nil; w = r.c.sendq.Next(w) {
		n++
	}
	return n
}

// BroadcastWaiting reports how many receivers of s's channel have a waker
// parked.
func BroadcastWaiting[T any](s *BroadcastSender[T]) int {
	b := s.b
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for w := b.waiters.Front(); w != nil; w = b.waiters.Next(w) {
		n++
	}
	return n
}
