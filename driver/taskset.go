package driver

// taskSet is a loop's set of live tasks, which it walks when it shuts down
// (to tell each task it is abandoned and to name it) and counts for its
// statistics. It holds their pointers densely, in chunks that never move,
// and each task knows its place (task.slot): adding and removing are a few
// stores, growing copies nothing, and a set of many tasks wastes at most
// two chunks. This costs a task 4 bytes and the set 8 per live task, where
// a list linked through the tasks cost each task 16. Loop goroutine only.
type taskSet struct {
	chunks []*[taskChunk]*task
	n      int // live tasks, in slots 0 to n-1
}

// taskChunk is the number of slots in a chunk of a taskSet.
const taskChunk = 256

// at returns the task in slot i (i < n).
func (s *taskSet) at(i int) *task { return s.chunks[i/taskChunk][i%taskChunk] }

// put places t in slot i.
func (s *taskSet) put(i int, t *task) {
	s.chunks[i/taskChunk][i%taskChunk] = t
	t.slot = int32(i) + 1
}

// add adds t, which is in no set.
func (s *taskSet) add(t *task) {
	if s.n == len(s.chunks)*taskChunk {
		s.chunks = append(s.chunks, new([taskChunk]*task))
	}
	s.put(s.n, t)
	s.n++
}

// has reports whether t is in the set.
func (s *taskSet) has(t *task) bool {
	i := int(t.slot) - 1
	return i >= 0 && i < s.n && s.at(i) == t
}

// remove takes t out of the set, if it is there: the last task takes its
// slot. A walk from the last slot down may remove the task it is at.
func (s *taskSet) remove(t *task) {
	if !s.has(t) {
		return
	}
	i := int(t.slot) - 1
	s.n--
	if i != s.n {
		s.put(i, s.at(s.n))
	}
	s.chunks[s.n/taskChunk][s.n%taskChunk] = nil
	t.slot = 0
	// Keep one empty chunk for the next burst, free the others.
	if keep := s.n/taskChunk + 2; len(s.chunks) > keep {
		clear(s.chunks[keep:])
		s.chunks = s.chunks[:keep]
	}
}
