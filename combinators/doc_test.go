package combinators_test

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/taskctx"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/stream"
)

// TestStreamCombinatorsYield checks that the combinators that loop over an
// always-ready source give the loop back once the budget is spent.
func TestStreamCombinatorsYield(t *testing.T) {
	ones := func() stream.Stream[int] { return combinators.Repeat(1) }
	tests := []struct {
		name string
		s    stream.Stream[int]
	}{
		{name: "FilterMap", s: combinators.FilterMap(ones(), func(int) (int, bool) { return 0, false })},
		{name: "Skip", s: combinators.Skip(ones(), 1<<30)},
		{name: "SkipWhile", s: combinators.SkipWhile(ones(), func(int) bool { return true })},
		{name: "FlattenStream", s: combinators.FlattenStream(combinators.Repeat(stream.Empty[int]()))},
		{name: "Chunks", s: combinators.MapStream(combinators.Chunks(ones(), 1<<30), func([]int) int { return 0 })},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := &testkit.WakeCounter{}
			cx := future.NewContext(w, nil)
			if p := tc.s.PollNext(cx); !p.IsPending() || w.Count() != 1 {
				t.Errorf("PollNext() = %s with %d wake-ups; want pending with 1", testkit.DescribeItem(p), w.Count())
			}
		})
	}
	futures := []struct {
		name string
		f    future.Future[struct{}]
	}{
		{name: "ForEachConcurrent", f: combinators.ForEachConcurrent(ones(), 2, func(int) future.Future[struct{}] { return future.Done() })},
		{name: "Forward", f: combinators.Forward(ones(), stream.Sink[int](combinators.NewSliceSink[int]()))},
		{name: "Concat", f: combinators.Discard(combinators.Concat(combinators.Repeat([]int{})))},
	}
	for _, tc := range futures {
		t.Run(tc.name, func(t *testing.T) {
			w := &testkit.WakeCounter{}
			cx := future.NewContext(w, nil)
			if p := tc.f.Poll(cx); !p.IsPending() || w.Count() != 1 {
				t.Errorf("Poll() = %s with %d wake-ups; want pending with 1", testkit.Describe(p), w.Count())
			}
		})
	}
}

var (
	sPropSeed  = flag.Uint64("seed", 1, "seed of TestPropertyCombinators (each -count run adds 1)")
	sPropIter  = flag.Int("iterations", 0, "compositions TestPropertyCombinators checks (default 2000, or $EDDY_PROPERTY_ITER)")
	sPropRound uint64 // how many times the property test ran in this process
)

// sEv is one answer of a stream that is not pending: a value or an item
// error. The reference model works on slices of them.
type sEv struct {
	v   int
	err string // "" for a value
}

func (e sEv) String() string {
	if e.err != "" {
		return "err " + e.err
	}
	return "item " + strconv.Itoa(e.v)
}

// sLeaf is a random leaf: its events, and the script that plays them with
// pending answers (which wake at once) at random points.
func sLeaf(r *rand.Rand) ([]sEv, []stream.Poll[int]) {
	var evs []sEv
	var steps []stream.Poll[int]
	for range r.IntN(12) {
		for r.IntN(3) == 0 {
			steps = append(steps, stream.Pending[int]())
		}
		if r.IntN(6) == 0 {
			e := sEv{err: fmt.Sprintf("e%d", r.IntN(100))}
			evs = append(evs, e)
			steps = append(steps, stream.Fail[int](sPropErr(e.err)))
			continue
		}
		e := sEv{v: r.IntN(40)}
		evs = append(evs, e)
		steps = append(steps, stream.Item(e.v))
	}
	if r.IntN(2) == 0 {
		steps = append(steps, stream.Pending[int]())
	}
	return evs, steps
}

type sPropErr string

func (e sPropErr) Error() string { return string(e) }

// sStage is one combinator of a random composition, with its model.
type sStage struct {
	name  string
	build func(s stream.Stream[int]) stream.Stream[int]
	model func(evs []sEv) []sEv
	loose bool // results may be reordered: compared as multisets, last stage only
}

// sDelay returns a future of v (or of an error) that goes pending k times.
func sDelay(k, v int, err string) future.Future[int] {
	if err != "" {
		return sFailAfter[int](k, sPropErr(err))
	}
	return sOkAfter(k, v)
}

// sStages returns the random stages a composition picks from; r draws their
// parameters and their extra leaves.
func sStages(r *rand.Rand) []sStage {
	n := r.IntN(4)
	k := r.IntN(30)
	delay := func(v int) int { return ((v*7)%3 + 3) % 3 }
	otherEvs, otherSteps := sLeaf(r)
	mapEvs := func(evs []sEv, fn func(sEv) (sEv, bool)) []sEv {
		var out []sEv
		for _, e := range evs {
			if o, ok := fn(e); ok {
				out = append(out, o)
			}
		}
		return out
	}
	values := func(fn func(int) (int, bool)) func([]sEv) []sEv {
		return func(evs []sEv) []sEv {
			return mapEvs(evs, func(e sEv) (sEv, bool) {
				if e.err != "" {
					return e, true
				}
				v, ok := fn(e.v)
				return sEv{v: v}, ok
			})
		}
	}
	return []sStage{
		{name: "MapStream", build: func(s stream.Stream[int]) stream.Stream[int] {
			return combinators.MapStream(s, func(v int) int { return 2*v + 1 })
		}, model: values(func(v int) (int, bool) { return 2*v + 1, true })},
		{name: "Filter", build: func(s stream.Stream[int]) stream.Stream[int] {
			return combinators.Filter(s, func(v int) bool { return v%3 != 0 })
		}, model: values(func(v int) (int, bool) { return v, v%3 != 0 })},
		{name: "FilterMap", build: func(s stream.Stream[int]) stream.Stream[int] {
			return combinators.FilterMap(s, func(v int) (int, bool) { return v / 2, v%2 == 0 })
		}, model: values(func(v int) (int, bool) { return v / 2, v%2 == 0 })},
		{name: fmt.Sprintf("Take(%d)", n), build: func(s stream.Stream[int]) stream.Stream[int] { return combinators.Take(s, n) },
			model: func(evs []sEv) []sEv {
				var out []sEv
				for i, left := 0, n; i < len(evs) && left > 0; i++ {
					out = append(out, evs[i])
					if evs[i].err == "" {
						left--
					}
				}
				return out
			}},
		{name: fmt.Sprintf("Skip(%d)", n), build: func(s stream.Stream[int]) stream.Stream[int] { return combinators.Skip(s, n) },
			model: func(evs []sEv) []sEv {
				left := n
				return mapEvs(evs, func(e sEv) (sEv, bool) {
					if e.err == "" && left > 0 {
						left--
						return e, false
					}
					return e, true
				})
			}},
		{name: fmt.Sprintf("TakeWhile(<%d)", k), build: func(s stream.Stream[int]) stream.Stream[int] {
			return combinators.TakeWhile(s, func(v int) bool { return v < k })
		}, model: func(evs []sEv) []sEv {
			for i, e := range evs {
				if e.err == "" && e.v >= k {
					return evs[:i]
				}
			}
			return evs
		}},
		{name: fmt.Sprintf("SkipWhile(<%d)", k), build: func(s stream.Stream[int]) stream.Stream[int] {
			return combinators.SkipWhile(s, func(v int) bool { return v < k })
		}, model: func(evs []sEv) []sEv {
			skipping := true
			return mapEvs(evs, func(e sEv) (sEv, bool) {
				if e.err == "" && skipping && e.v < k {
					return e, false
				}
				skipping = skipping && e.err != ""
				return e, true
			})
		}},
		{name: "Chain", build: func(s stream.Stream[int]) stream.Stream[int] {
			return combinators.Chain(s, stream.Stream[int](testkit.NewStream(slices.Clone(otherSteps)...)))
		}, model: func(evs []sEv) []sEv { return append(slices.Clone(evs), otherEvs...) }},
		{name: "Zip", build: func(s stream.Stream[int]) stream.Stream[int] {
			z := combinators.Zip(s, stream.Stream[int](testkit.NewStream(slices.Clone(otherSteps)...)))
			return combinators.MapStream(z, func(p combinators.Pair[int, int]) int { return 100*p.First + p.Second })
		}, model: func(evs []sEv) []sEv {
			var out []sEv
			a, b := evs, otherEvs
			for {
				for len(a) > 0 && a[0].err != "" {
					out, a = append(out, a[0]), a[1:]
				}
				if len(a) == 0 {
					return out
				}
				for len(b) > 0 && b[0].err != "" {
					out, b = append(out, b[0]), b[1:]
				}
				if len(b) == 0 {
					return out
				}
				out = append(out, sEv{v: 100*a[0].v + b[0].v})
				a, b = a[1:], b[1:]
			}
		}},
		{name: "Enumerate", build: func(s stream.Stream[int]) stream.Stream[int] {
			return combinators.MapStream(combinators.Enumerate(s), func(i combinators.Indexed[int]) int { return 1000*i.Index + i.Value })
		}, model: func(evs []sEv) []sEv {
			i := 0
			return values(func(v int) (int, bool) { i++; return 1000*(i-1) + v, true })(evs)
		}},
		{name: fmt.Sprintf("Chunks(%d)", n+1), build: func(s stream.Stream[int]) stream.Stream[int] {
			return combinators.MapStream(combinators.Chunks(s, n+1), func(c []int) int {
				sum := 0
				for _, v := range c {
					sum = 100*sum + v + 1
				}
				return sum
			})
		}, model: func(evs []sEv) []sEv {
			var out []sEv
			sum, count := 0, 0
			flush := func() {
				if count > 0 {
					out = append(out, sEv{v: sum})
				}
				sum, count = 0, 0
			}
			for _, e := range evs {
				if e.err != "" {
					flush()
					out = append(out, e)
					continue
				}
				sum, count = 100*sum+e.v+1, count+1
				if count == n+1 {
					flush()
				}
			}
			flush()
			return out
		}},
		{name: "AndThenStream", build: func(s stream.Stream[int]) stream.Stream[int] {
			return combinators.AndThenStream(s, func(v int) future.Future[int] {
				if v%5 == 0 {
					return sDelay(delay(v), 0, "a"+strconv.Itoa(v))
				}
				return sDelay(delay(v), v+1, "")
			})
		}, model: func(evs []sEv) []sEv {
			return mapEvs(evs, func(e sEv) (sEv, bool) {
				switch {
				case e.err != "":
					return e, true
				case e.v%5 == 0:
					return sEv{err: "a" + strconv.Itoa(e.v)}, true
				}
				return sEv{v: e.v + 1}, true
			})
		}},
		{name: "OrElseStream", build: func(s stream.Stream[int]) stream.Stream[int] {
			return combinators.OrElseStream(s, func(err error) future.Future[int] { return sDelay(1, -len(err.Error()), "") })
		}, model: func(evs []sEv) []sEv {
			return mapEvs(evs, func(e sEv) (sEv, bool) {
				if e.err != "" {
					return sEv{v: -len(e.err)}, true
				}
				return e, true
			})
		}},
		{name: "HandleStream", build: func(s stream.Stream[int]) stream.Stream[int] {
			return combinators.HandleStream(s, func(v int, err error) future.Future[int] {
				if err != nil {
					return sDelay(delay(v), 0, "t"+err.Error())
				}
				return sDelay(delay(v), 3*v, "")
			})
		}, model: func(evs []sEv) []sEv {
			return mapEvs(evs, func(e sEv) (sEv, bool) {
				if e.err != "" {
					return sEv{err: "t" + e.err}, true
				}
				return sEv{v: 3 * e.v}, true
			})
		}},
		{name: "FlattenStream", build: func(s stream.Stream[int]) stream.Stream[int] {
			return combinators.FlattenStream(combinators.MapStream(s, func(v int) stream.Stream[int] {
				return testkit.NewStream(stream.Pending[int](), stream.Item(v), stream.Item(v))
			}))
		}, model: func(evs []sEv) []sEv {
			var out []sEv
			for _, e := range evs {
				out = append(out, e)
				if e.err == "" {
					out = append(out, e)
				}
			}
			return out
		}},
		{name: "FuseStream+InspectErr+Peekable", build: func(s stream.Stream[int]) stream.Stream[int] {
			return combinators.Peekable(combinators.InspectErr[int](combinators.FuseStream(s), func(error) {}))
		}, model: func(evs []sEv) []sEv { return evs }},
		{name: fmt.Sprintf("Buffered(%d)", n), build: func(s stream.Stream[int]) stream.Stream[int] {
			return combinators.Buffered(combinators.MapStream(s, func(v int) future.Future[int] { return sDelay(delay(v), v, "") }), n)
		}, model: func(evs []sEv) []sEv { return evs }, loose: true},
		{name: fmt.Sprintf("BufferUnordered(%d)", n), build: func(s stream.Stream[int]) stream.Stream[int] {
			return combinators.BufferUnordered(combinators.MapStream(s, func(v int) future.Future[int] { return sDelay(delay(v), v, "") }), n)
		}, model: func(evs []sEv) []sEv { return evs }, loose: true},
		{name: "Merge of two", build: func(s stream.Stream[int]) stream.Stream[int] {
			return combinators.Merge(s, stream.Stream[int](testkit.NewStream(slices.Clone(otherSteps)...)))
		}, model: func(evs []sEv) []sEv { return append(slices.Clone(evs), otherEvs...) }, loose: true},
	}
}

// sPropDrain polls s to its end as a driver would and returns its events. A
// pending answer must come with a wake-up arranged.
func sPropDrain(s stream.Stream[int]) ([]sEv, error) {
	w := &testkit.WakeCounter{}
	cx := future.NewContext(w, nil)
	var out []sEv
	for range 100000 {
		taskctx.BeginPoll(cx)
		before := w.Count()
		p := s.PollNext(cx)
		switch {
		case p.IsEnd():
			if q := s.PollNext(cx); !q.IsEnd() {
				return out, fmt.Errorf("PollNext() after the end = %s; want end", testkit.DescribeItem(q))
			}
			return out, nil
		case p.IsPending():
			if !taskctx.WakerTaken(cx) || w.Count() == before {
				return out, fmt.Errorf("PollNext() = pending with no wake-up arranged")
			}
		case p.Err() != nil:
			out = append(out, sEv{err: p.Err().Error()})
		default:
			out = append(out, sEv{v: p.Value()})
		}
	}
	return out, fmt.Errorf("PollNext() did not end after 100000 polls")
}

// sSortEvs sorts events, for comparing the results of loose stages.
func sSortEvs(evs []sEv) []sEv {
	evs = slices.Clone(evs)
	slices.SortFunc(evs, func(a, b sEv) int { return strings.Compare(a.String(), b.String()) })
	return evs
}

// TestPropertyCombinators composes random stream combinators over random
// leaf streams that go pending at random points, drives each composition to
// its end, and checks what it yields against a plain-slice model. The seed
// is fixed (-seed, default 1; each -count run adds one); -iterations or
// $EDDY_PROPERTY_ITER sets how many compositions are checked. A failure
// prints the seed and the composition. A longer run by hand:
//
//	go test -run Property -count 200 ./combinators -args -iterations 5000
func TestPropertyCombinators(t *testing.T) {
	iters := 2000
	if v, err := strconv.Atoi(os.Getenv("EDDY_PROPERTY_ITER")); err == nil && v > 0 {
		iters = v
	}
	if *sPropIter > 0 {
		iters = *sPropIter
	}
	seed := *sPropSeed + sPropRound
	sPropRound++
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	for i := range iters {
		evs, steps := sLeaf(r)
		var s stream.Stream[int] = testkit.NewStream(steps...)
		var names []string
		loose := false
		for depth := 1 + r.IntN(4); depth > 0 && !loose; depth-- {
			stages := sStages(r)
			st := stages[r.IntN(len(stages))]
			s, evs, loose = st.build(s), st.model(evs), st.loose
			names = append(names, st.name)
		}
		got, err := sPropDrain(s)
		want := evs
		if loose {
			got, want = sSortEvs(got), sSortEvs(want)
		}
		if err != nil || !cmp.Equal(got, want, cmp.Comparer(func(a, b sEv) bool { return a == b }), cmpopts.EquateEmpty()) {
			t.Fatalf("seed %d, composition %d: %s over %v:\n got %v, %v\nwant %v", seed, i, strings.Join(names, " | "), steps, got, err, want)
		}
	}
}

// slot is a per-item future that user code reuses for every item, so that a
// pipeline's user functions allocate nothing.
type slot[T any] struct{ v T }

func (s *slot[T]) Poll(*future.Context) future.Poll[T] { return future.Ok(s.v) }

// TestSteadyStateAllocs checks that polling Map, Filter, Fold, ForEach and
// DropErrors over an always-ready stream, and Loop over always-ready
// iterations, allocates nothing per item: each measured poll runs a full
// budget of items.
func TestSteadyStateAllocs(t *testing.T) {
	naturals := func() stream.Stream[int] {
		return stream.Unfold(0, func(n int) (int, int, bool) { return n, n + 1, true })
	}
	pipeline := func() stream.Stream[int] {
		doubled := combinators.MapStream(naturals(), func(n int) int { return 2 * n })
		return combinators.Filter(doubled, func(n int) bool { return n%3 != 0 })
	}
	acc := &slot[int]{}
	unit := &slot[struct{}]{}
	seen := 0
	tests := []struct {
		name string
		poll func(cx *future.Context) bool // reports pending
	}{
		{name: "Map-Filter-Fold", poll: futurePoller(combinators.Fold(pipeline(), 0, func(a, n int) future.Future[int] {
			acc.v = a + n
			return acc
		}))},
		{name: "Map-Filter-ForEach", poll: futurePoller(combinators.ForEach(pipeline(), func(int) future.Future[struct{}] {
			seen++
			return unit
		}))},
		{name: "DropErrors-Fold", poll: futurePoller(combinators.Fold(combinators.DropErrors(pipeline()), 0, func(a, n int) future.Future[int] {
			acc.v = a + n
			return acc
		}))},
		{name: "Loop", poll: futurePoller(combinators.Loop(0, func(n int) (future.Future[int], bool) {
			acc.v = n + 1
			return acc, true
		}))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cx := future.NewContext(future.NoopWaker, nil)
			pending := true
			allocs := testing.AllocsPerRun(100, func() {
				taskctx.BeginPoll(cx)
				pending = pending && tc.poll(cx)
			})
			if !pending {
				t.Fatalf("Poll() completed; want pending after each budget")
			}
			if allocs != 0 {
				t.Errorf("AllocsPerRun(Poll over %d items) = %v; want 0", future.DefaultBudget, allocs)
			}
		})
	}
	if seen == 0 {
		t.Errorf("ForEach ran no items")
	}
}

func futurePoller[T any](f future.Future[T]) func(*future.Context) bool {
	return func(cx *future.Context) bool { return f.Poll(cx).IsPending() }
}
