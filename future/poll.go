package future

// Poll is the answer of one call to [Future.Poll]: ready with a value, ready
// with an error, or pending. The zero Poll is pending.
//
// A Poll is a small value passed by value; building one never allocates.
type Poll[T any] struct {
	val   T
	err   error
	ready bool
}

// Ok returns a ready Poll holding v.
func Ok[T any](v T) Poll[T] { return Poll[T]{val: v, ready: true} }

// Fail returns a ready Poll holding err, a failure. Fail does not invent an
// error: a nil err makes the same Poll as Result(zero, nil), ready with the
// zero value of T, a success. Code whose error may be nil (a step that
// finishes with the outcome of another) says so with [Result], and Fail is
// kept for errors known to be non-nil.
func Fail[T any](err error) Poll[T] { return Poll[T]{err: err, ready: true} }

// Result returns a ready Poll holding v and err, in the manner of a Go
// function returning (T, error).
func Result[T any](v T, err error) Poll[T] { return Poll[T]{val: v, err: err, ready: true} }

// Pending returns the pending Poll (the zero value).
func Pending[T any]() Poll[T] { return Poll[T]{} }

// IsPending reports whether the future could not finish yet.
func (p Poll[T]) IsPending() bool { return !p.ready }

// IsReady reports whether the future has finished, with a value or an error.
func (p Poll[T]) IsReady() bool { return p.ready }

// Value returns the value of a ready Poll, or the zero value of T.
func (p Poll[T]) Value() T { return p.val }

// Err returns the error of a ready Poll; it is nil for a value and for pending.
func (p Poll[T]) Err() error { return p.err }

// Result returns the value and the error of a ready Poll.
func (p Poll[T]) Result() (T, error) { return p.val, p.err }
