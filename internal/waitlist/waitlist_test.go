package waitlist_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/internal/waitlist"
)

type item struct {
	waitlist.Node[item]
	id int
}

func ids(l *waitlist.List[item, *item]) []int {
	var got []int
	for e := l.Front(); e != nil; e = l.Next(e) {
		got = append(got, e.id)
	}
	return got
}

func TestList(t *testing.T) {
	var l waitlist.List[item, *item]
	if !l.Empty() || l.PopFront() != nil {
		t.Fatalf("zero List: Empty() = %v, PopFront() != nil; want empty", l.Empty())
	}
	items := make([]item, 5)
	for i := range items {
		items[i].id = i
		l.PushBack(&items[i])
	}
	l.Remove(&items[2]) // middle
	l.Remove(&items[0]) // head
	l.Remove(&items[4]) // tail
	l.Remove(&items[4]) // not queued: nothing
	if diff := cmp.Diff([]int{1, 3}, ids(&l)); diff != "" {
		t.Errorf("after removals (-want +got):\n%s", diff)
	}
	if items[2].Queued() || !items[1].Queued() {
		t.Errorf("Queued() of removed, kept = %v, %v; want false, true", items[2].Queued(), items[1].Queued())
	}
	l.PushBack(&items[0]) // a removed value queues again, last
	var popped []int
	for e := l.PopFront(); e != nil; e = l.PopFront() {
		popped = append(popped, e.id)
	}
	if diff := cmp.Diff([]int{1, 3, 0}, popped); diff != "" {
		t.Errorf("PopFront order (-want +got):\n%s", diff)
	}
	if !l.Empty() {
		t.Errorf("Empty() after popping everything = false")
	}
}

func TestListAllocatesNothing(t *testing.T) {
	var l waitlist.List[item, *item]
	var a, b item
	if n := testing.AllocsPerRun(100, func() {
		l.PushBack(&a)
		l.PushBack(&b)
		l.Remove(&a)
		l.PopFront()
	}); n != 0 {
		t.Errorf("allocations per push, remove and pop = %v; want 0", n)
	}
}
