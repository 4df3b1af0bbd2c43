// Package timer is eddy's time: futures that complete at a deadline ([Sleep],
// [SleepUntil], the resettable [Delay]), a stream of ticks ([Interval], with a
// policy for ticks the loop missed), and time limits on any future
// ([Timeout], [Deadline]) and on each item of a stream ([TimeoutStream]).
//
// Every timer is lazy: building one arms nothing; it is armed on the loop that
// first polls it, in that loop's timer wheel (millisecond resolution, never
// early: a timer completes at or after its deadline, a millisecond or two plus
// the loop's latency later at most). Arming, resetting and
// cancelling cost a few pointer writes and allocate nothing, so one idle
// timeout per connection, reset on every read, is cheap.
//
// A timer that completes, or that its owner abandons (future.Abandon: the
// loser of a select, a timeout whose inner future finished first, a task
// cancelled at shutdown), leaves its loop's wheel at once. A timer armed on
// one loop and polled from another fails with driver.ErrWrongLoop; polled
// outside any loop it fails with future.ErrNoDriver.
//
// A time limit that runs out fails with a *[TimeoutError] that names what
// timed out; errors.Is(err, [ErrTimeout]) holds for it, and it has the
// Timeout() bool method of net's errors.
package timer
