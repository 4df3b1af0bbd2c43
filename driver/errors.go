package driver

import "github.com/eddyio/eddy/internal/netpoll"

// ErrWrongLoop is the error of a socket polled by a task of a loop other
// than the one it is registered with: a socket belongs to the loop that
// first polled it. errors.Is(err, driver.ErrWrongLoop) holds for such
// errors.
var ErrWrongLoop error = errWrongLoop

// errWrongLoop exists so that the documentation of ErrWrongLoop names no
// internal package (package net does the same for ErrClosed).
var errWrongLoop = netpoll.ErrWrongLoop
