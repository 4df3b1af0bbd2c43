package driver

import "github.com/eddyio/eddy/internal/netpoll"

// ErrNoDriver is the error of I/O (a socket, a listener) polled outside a
// driver loop: run the future with Run or BlockOn, or spawn it on a Loop.
// errors.Is(err, driver.ErrNoDriver) holds for such errors.
var ErrNoDriver = netpoll.ErrNoDriver

// ErrWrongLoop is the error of a socket polled by a task of a loop other
// than the one it is registered with: a socket belongs to the loop that
// first polled it. errors.Is(err, driver.ErrWrongLoop) holds for such
// errors.
var ErrWrongLoop error = errWrongLoop

// errWrongLoop exists so that the documentation of ErrWrongLoop names no
// internal package (package net does the same for ErrClosed).
var errWrongLoop = netpoll.ErrWrongLoop
