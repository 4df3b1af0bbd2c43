// Package rx adapts eddy to RxGo (github.com/reactivex/rxgo/v2, v2.5.0): an
// rxgo Observable becomes a [stream.Stream] and a Stream becomes an
// Observable, so a program can move a pipeline from one model to the other a
// stage at a time. It is the only package of the module that imports rxgo;
// the core never does, because rxgo spends a goroutine and a channel per
// operator where eddy polls.
//
// # From an Observable to a Stream
//
// [FromObservable] returns an [ObservableStream]: the Observable's values are
// the stream's items (a value of the wrong type is an item error, a
// *[TypeError]), its error items are item errors, and its completion is the
// end.
//
//	s := rx.FromObservable[int](rxgo.Range(0, 100).Map(double))
//	sum := combinators.Fold(s, 0, add)
//	n, err := driver.Run(sum)
//
// It is lazy: nothing subscribes before the first poll. Then a bridge
// goroutine receives what rxgo's goroutines send, puts it in a bounded buffer
// ([DefaultBuffer] items, or [FromObservableSize]) and wakes the polling
// task. When the buffer is full the bridge stops receiving and rxgo's
// goroutines block on their sends: a slow task holds the Observable back.
//
// [ObservableStream.Close] cancels the subscription through the context it
// was made with (rxgo.WithContext), so rxgo's goroutines end; the stream does
// the same when the Observable completes, and when it is garbage collected
// without being closed. Close a stream you stop reading early.
//
// # From a Stream to an Observable
//
// [ToObservable] returns an Observable, built on rxgo.Defer, that spawns a
// task on an eddy driver loop when it is observed. The task polls the stream
// and hands its items to the goroutine rxgo runs the producer on, through a
// bounded channel. The task never blocks the loop: when the channel is full
// it answers pending, and the rxgo goroutine wakes it as it takes items out.
// Item errors become error items and the end becomes the completion.
//
//	obs := rx.ToObservable(loop, combinators.Filter(s, isValid))
//	for item := range obs.Map(render).Observe(rxgo.WithContext(ctx)) { ... }
//
// The loop must be driven (driver.BlockOn on a goroutine of its own) while
// the Observable is read. Cancelling the observer's context disposes the
// subscription: the task ends and closes the stream if it has a Close method.
// An [ObservableStream] has one, so ToObservable(loop, FromObservable(obs))
// cancels all the way up at once; with combinators in between (which do not
// forward Close) the dropped ObservableStream cancels its subscription when it
// is garbage collected, or sooner if you close it yourself. A stream is read
// once, so the Observable feeds one subscription; later ones get
// [ErrAlreadyObserved].
//
// # Goroutines and cancellation
//
// rxgo's sources and operators run on goroutines that end when their input
// ends or their context is cancelled, and an operator that stops early (Take,
// or Map after an error) abandons its upstream. The adapters follow rxgo's
// rule: cancel the context (or close the stream) when you stop reading
// before the end, and no goroutine of either side is left behind.
//
// # Cost
//
// Every item that crosses the boundary is boxed in an rxgo.Item and goes
// through a channel; the eddy side of a pipeline allocates nothing per item
// (see BenchmarkPipeline in this package, which compares the same five-stage
// pipeline in eddy, in rxgo and with plain channels and goroutines).
package rx
