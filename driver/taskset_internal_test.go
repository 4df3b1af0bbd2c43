package driver

import "testing"

// TestTaskSet adds, removes and walks tasks across several chunks: every
// task is found in its slot, a removed one is gone and its place taken by
// the last, a walk from the last slot down that removes as it goes sees
// every task once, and the chunks a drained set keeps are at most two.
func TestTaskSet(t *testing.T) {
	var s taskSet
	const n = 3*taskChunk + 7
	tasks := make([]*task, n)
	for i := range tasks {
		tasks[i] = &task{}
		s.add(tasks[i])
	}
	check := func(when string, live map[*task]bool) {
		t.Helper()
		if s.n != len(live) {
			t.Fatalf("%s: %d tasks in the set; want %d", when, s.n, len(live))
		}
		for _, tk := range tasks {
			if got := s.has(tk); got != live[tk] {
				t.Fatalf("%s: has(task %p) = %v; want %v", when, tk, got, live[tk])
			}
		}
		for i := range s.n {
			if tk := s.at(i); int(tk.slot) != i+1 {
				t.Fatalf("%s: the task in slot %d says slot %d", when, i, tk.slot-1)
			}
		}
	}
	live := map[*task]bool{}
	for _, tk := range tasks {
		live[tk] = true
	}
	check("after adding", live)

	// Every third task, from the first: each removal moves the last task.
	for i := 0; i < n; i += 3 {
		s.remove(tasks[i])
		s.remove(tasks[i]) // a second removal does nothing
		delete(live, tasks[i])
	}
	check("after removing every third", live)
	s.remove(&task{}) // never added: nothing happens
	check("after removing a stranger", live)

	// A walk from the last slot down, removing every other task it meets.
	seen := map[*task]int{}
	for i := s.n - 1; i >= 0; i-- {
		tk := s.at(i)
		seen[tk]++
		if len(seen)%2 == 0 {
			s.remove(tk)
			delete(live, tk)
		}
	}
	for tk, c := range seen {
		if c != 1 {
			t.Errorf("the walk saw task %p %d times; want once", tk, c)
		}
	}
	if want := n - (n+2)/3; len(seen) != want {
		t.Errorf("the walk saw %d tasks; want %d", len(seen), want)
	}
	check("after the walk", live)

	for s.n > 0 {
		tk := s.at(s.n - 1)
		s.remove(tk)
		delete(live, tk)
	}
	check("drained", live)
	if len(s.chunks) > 2 {
		t.Errorf("a drained set keeps %d chunks; want at most 2", len(s.chunks))
	}
	for i := range s.chunks {
		for j, tk := range s.chunks[i] {
			if tk != nil {
				t.Fatalf("a drained set still points to a task in chunk %d, slot %d", i, j)
			}
		}
	}
}
