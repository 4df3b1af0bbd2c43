// Package driver runs futures: it is eddy's event loop. Nothing in a
// pipeline of futures and streams happens until a loop polls it.
//
// [Run] is the shortest way: it drives one future to completion on a new
// loop and closes the loop ([RunWith] takes a [Config]):
//
//	n, err := driver.Run(pipeline)
//
// For more control, a [Loop] is a value: [New] makes one, [BlockOn] drives
// it (one goroutine at a time) until a given future completes,
// [Loop.Spawn] adds tasks from any goroutine, [Loop.Stop] makes BlockOn
// return [ErrStopped], and [Loop.Close] shuts it down. Inside a pipeline,
// [Spawn] starts a future as a task of its own on the polling task's loop,
// and [Sleep] waits on the loop's timers.
//
// # Every core
//
// A [Runtime] ([NewRuntime]) is N loops, one per GOMAXPROCS by default,
// each driven by a goroutine of its own. [Runtime.Spawn] starts a task on
// the least busy loop, [SpawnBalanced] does so from a task, [Await] and
// [Iter] serve code outside the runtime, [Runtime.RunContext] serves until
// a context is done, and [Runtime.Shutdown] stops everything in one call;
// [Stopping] and [ContextDone] bring shutdown and Go's contexts into
// pipelines, and [Loop.Stats] and [Runtime.Stats] count what the loops
// do. docs/runtime.md explains how to size it.
//
// # Tasks and the reactor
//
// A loop runs tasks, each a future polled whenever its waker fires. When no
// task is runnable it waits for readiness events on its sockets and for its
// next timer; a socket belongs to the loop that first polls it (another
// loop's poll fails with [ErrWrongLoop]), and I/O polled outside any loop
// fails with [future.ErrNoDriver]. Wake-ups from other goroutines are safe and
// cost at most one kick of the loop per sleep.
//
// # Failures and shutdown
//
// A task's error is reported through Config.Logf; a panic in a task is
// recovered and reported as a *[PanicError], and ends only that task. With
// Config.DetectStalls, a task that answers pending with no wake-up arranged
// is reported as a *[StallError]. [Loop.Close] gives the tasks still
// running Config.ShutdownTimeout, cancels the rest (named in a
// *[ShutdownError]), and closes every socket still registered with the
// loop.
package driver
