// Package combinators is the algebra over futures and streams: the functions
// that build a bigger [future.Future] or [stream.Stream] out of smaller ones
// (map a value, chain a second step, recover from an error, run a future per
// item of a stream, fold a stream into a value). It does no I/O of its own.
//
// Go methods cannot have type parameters of their own, so every combinator is
// a top-level generic function that takes its source first, where a receiver
// would be:
//
//	n := combinators.Map(readLen, func(b []byte) int { return len(b) })
//
// # Names
//
// One rule names every combinator, so a name can be guessed without looking
// it up:
//
//   - A future combinator has a bare name. Where the same operation exists
//     for streams, the stream form takes the same callback shape and adds the
//     suffix Stream: [Map] and [MapStream], [MapErr] and [MapErrStream],
//     [AndThen] and [AndThenStream], [OrElse] and [OrElseStream], [Handle]
//     and [HandleStream], [Inspect] and [InspectStream], [Flatten] and
//     [FlattenStream], [Fuse] and [FuseStream].
//   - An operation that exists only for streams keeps a bare name: [ForEach],
//     [Filter], [FilterMap], [Fold], [Collect], [Take], [Zip], [Merge],
//     [Buffered], [Chunks], [DropErrors], ...
//   - A combinator whose first argument is a sink starts with Sink:
//     [SinkSend], [SinkSendAll], [SinkFlush], [SinkClose], [SinkWith],
//     [SinkMapErr], [SinkBuffer], [SinkFanout]. [Forward] takes the stream
//     first and keeps its name.
//   - One name per operation: [Merge] merges streams, however many.
//
// [Then] is the final step that observes an outcome, the form the echo server
// uses to log and close a connection; [Handle] is futures 0.1's then, which
// continues with another future built from the outcome. Those that turn one
// kind into the other say what they make: [IntoStream] (a future as a stream
// of one item), [FlattenIntoStream] (a future of a stream as that stream),
// [IntoFuture] (a stream's first item and the rest).
//
// The constructors are shaped so that Go infers their type arguments at an
// ordinary call site: [Loop]'s callback speaks only of its state, [Discard]
// hands a future of any type to what wants a future of struct{}, and
// [DropErrors] drops item errors on any stream.
//
// # Combining futures
//
// The future side has the chaining steps ([Map], [AndThen], [OrElse], [Then],
// [Handle], [Flatten], [Loop], [Discard]) and the ways to run several futures at once
// within one task: [Join], [Join3] and [JoinAll] wait for all of them and fail
// with the first error; [Select], [SelectAll], [SelectOk] and [SelectEither]
// take the first to finish and hand back (or drop) the others. [Share] lets
// many tasks await one result, [Fuse] makes a finished future safe to poll
// again, and [CatchPanic] turns a panic into a *[future.PanicError].
//
// # Contracts
//
// Every combinator here keeps the contracts of packages future and stream:
//
//   - Lazy. Building a combinator calls no user function and polls nothing;
//     the work happens in Poll (or PollNext).
//   - Pending passes through. A combinator answers pending exactly when the
//     future or stream it polled did (or when it yields, below), and never
//     turns pending into an error or an error into pending. The waker of the
//     context is handed down to what is polled, so the wake-up it arranges is
//     the combinator's.
//   - No spurious polls. A step that completed is not polled again: [AndThen]
//     does not poll its first future once it has run fn, [ForEach] does not
//     poll its stream while a per-item future is pending.
//   - Exactly once. After a combinator future completed, a further poll
//     answers [future.ErrPolledAfterCompletion] and calls nothing. After a
//     combinator stream ended, it keeps answering the end.
//   - References released. Once a combinator has completed it drops the
//     futures, streams and functions it held, so they can be collected even
//     if the combinator itself is kept.
//
// A callback that must return a future and returns nil instead makes the
// combinator fail with [ErrNilFuture] rather than panic.
//
// # Errors
//
// Errors of futures and item errors of streams pass through the combinators
// that work on values ([Map], [AndThen], [MapStream], [Filter]) without calling
// the user function. [MapErr] and [MapErrStream] change errors and never turn
// one into a value; [OrElse] and [Handle] are the way to recover. The loops
// over a stream ([ForEach], [Fold], [Collect]) end with the first error, be it
// an item error of the stream or an error of a per-item future; to keep going
// past item errors, drop them before the loop with [DropErrors] (log them
// first with [InspectErr]), or turn each into a value with [OrElseStream].
//
// # Cooperative scheduling
//
// A loop over a stream that is always ready would never return to the
// driver. The combinators that can keep finding work ready spend the task's
// budget ([future.Context.Budget], [future.DefaultBudget] steps per turn) on
// each step; when it is spent they wake the task and answer pending, and the
// driver polls the task again after the other tasks had their turn:
//
//   - the loops over a stream: [ForEach], [ForEachConcurrent], [Fold],
//     [Collect], [Concat], [Forward] and [SinkSendAll];
//   - [Loop], on each iteration;
//   - the streams that drop or gather ready values: [Filter], [FilterMap],
//     [Skip], [SkipWhile], [Chunks], [DropErrors], and [FlattenStream] over
//     inner streams that are already ended;
//   - the task sets and what is built on them: [FuturesUnordered],
//     [FuturesOrdered], [Buffered], [BufferUnordered].
//
// The other combinators do one step per poll of their consumer, which spends
// for them. A hand-written future that loops does the same with
// [future.Context.SpendBudget], and a long computation between two awaits can
// give the loop a turn with [future.Yield].
//
// # Allocation
//
// A combinator allocates its own small struct when it is built and nothing
// afterwards: polling [Map], [MapStream], [Filter], [Fold] and [ForEach] in the
// steady state allocates nothing, as long as the user functions do not (a
// per-item future built anew for every item is the user's allocation).
package combinators
