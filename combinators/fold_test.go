package combinators_test

import (
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

func TestFold(t *testing.T) {
	for _, tc := range loopCases("ok 60") {
		t.Run(tc.name, func(t *testing.T) {
			checkLoop(t, tc, func(s stream.Stream[int], c *calls) future.Future[int] {
				return combinators.Fold(s, 0, func(acc, v int) future.Future[int] {
					c.add()
					return mapSecond(v, func(n int) int { return acc + n })
				})
			})
		})
	}
}
