package load

import (
	"math/bits"
	"time"
)

// subBits is the number of bits of precision a histogram keeps below the
// leading one: values are rounded down to within 1/64 (1.6%).
const subBits = 6

// hist is a log-linear histogram of durations in nanoseconds: exact below
// 64 ns, then 64 buckets per power of two. Adding allocates nothing.
type hist struct {
	counts [64 << subBits]uint64
	total  uint64
}

func bucket(v uint64) int {
	if v < 1<<subBits {
		return int(v)
	}
	shift := bits.Len64(v) - subBits - 1
	return (shift+1)<<subBits | int(v>>shift)&(1<<subBits-1)
}

// lowest returns the smallest value of bucket i.
func lowest(i int) uint64 {
	if i < 1<<subBits {
		return uint64(i)
	}
	shift := i>>subBits - 1
	return (1<<subBits | uint64(i)&(1<<subBits-1)) << shift
}

// add records n samples of d.
func (h *hist) add(d time.Duration, n uint64) {
	if d < 0 {
		d = 0
	}
	h.counts[bucket(uint64(d))] += n
	h.total += n
}

// merge adds o's samples to h.
func (h *hist) merge(o *hist) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.total += o.total
}

// quantile returns the q-quantile (0 < q <= 1) of the samples, rounded
// down to its bucket; zero when there are none.
func (h *hist) quantile(q float64) time.Duration {
	if h.total == 0 {
		return 0
	}
	rank := uint64(q*float64(h.total) + 0.5)
	rank = min(max(rank, 1), h.total)
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return time.Duration(lowest(i))
		}
	}
	return time.Duration(lowest(len(h.counts) - 1))
}
