package main

import (
	"errors"
)

// session answers the commands of one connection. Its reply, the elements
// of an MGET's array (unless they grew beyond 64) and the bytes of its
// errors (an array inside the session) are reused from one command to the
// next.
type session struct {
	store *Store
	reply Reply
	elems []Reply
	text  [192]byte
}

var (
	pong      = []byte("PONG")
	ok        = []byte("OK")
	syntaxErr = []byte("ERR syntax error")
	notInt    = []byte("ERR value is not an integer or out of range")
)

// serve answers cmd, and says whether the connection closes after it.
func (s *session) serve(cmd *Command) (*Reply, bool) {
	args := cmd.Args[1:]
	var name [8]byte
	n := upper(name[:], cmd.Args[0])
	r := &s.reply
	*r = Reply{}
	switch string(name[:n]) {
	case "PING":
		switch len(args) {
		case 0:
			r.Kind, r.Str = SimpleString, pong
		case 1:
			r.Kind, r.Str = Bulk, args[0]
		default:
			return s.arity("ping"), false
		}
	case "GET":
		if len(args) != 1 {
			return s.arity("get"), false
		}
		r.Kind = Bulk
		r.Str, r.Nil = s.store.Get(args[0])
		r.Nil = !r.Nil
	case "SET":
		switch {
		case len(args) < 2:
			return s.arity("set"), false
		case len(args) > 2: // EX, PX, NX, XX, GET, KEEPTTL: not served
			r.Kind, r.Str = Error, syntaxErr
		default:
			s.store.Set(args[0], args[1])
			r.Kind, r.Str = SimpleString, ok
		}
	case "DEL":
		if len(args) == 0 {
			return s.arity("del"), false
		}
		r.Kind = Integer
		for _, k := range args {
			if s.store.Del(k) {
				r.Int++
			}
		}
	case "INCR":
		if len(args) != 1 {
			return s.arity("incr"), false
		}
		n, ok := s.store.Incr(args[0])
		if !ok {
			r.Kind, r.Str = Error, notInt
		} else {
			r.Kind, r.Int = Integer, n
		}
	case "MGET":
		if len(args) == 0 {
			return s.arity("mget"), false
		}
		clear(s.elems)
		if cap(s.elems) > 64 {
			s.elems = nil // grown for one long MGET
		}
		s.elems = s.elems[:0]
		for _, k := range args {
			v, set := s.store.Get(k)
			s.elems = append(s.elems, Reply{Kind: Bulk, Str: v, Nil: !set})
		}
		r.Kind, r.Elems = Array, s.elems
	case "QUIT":
		r.Kind, r.Str = SimpleString, ok
		return r, true
	default:
		text := append(s.text[:0], "ERR unknown command '"...)
		text = appendClean(text, cmd.Args[0], 128)
		r.Kind, r.Str = Error, append(text, '\'')
	}
	return r, false
}

// arity is Redis's error for a command given the wrong number of
// arguments.
func (s *session) arity(name string) *Reply {
	text := append(s.text[:0], "ERR wrong number of arguments for '"...)
	text = append(text, name...)
	s.reply = Reply{Kind: Error, Str: append(text, "' command"...)}
	return &s.reply
}

// refuse answers input the decoder refused as Redis does, and closes the
// connection.
func (s *session) refuse(err error) (*Reply, bool) {
	var pe *ProtocolError
	if !errors.As(err, &pe) {
		return nil, false
	}
	s.reply = Reply{Kind: Error, Str: append(append(s.text[:0], "ERR Protocol error: "...), pe.Reason...)}
	return &s.reply, true
}

// upper writes the upper-case form of b into dst when it fits and returns
// its length; a longer b gives 0 (no command is longer than dst).
func upper(dst, b []byte) int {
	if len(b) > len(dst) {
		return 0
	}
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		dst[i] = c
	}
	return len(b)
}

// appendClean appends at most max bytes of b, with CR and LF (which cannot
// be in an error reply) as spaces.
func appendClean(dst, b []byte, max int) []byte {
	for i, c := range b {
		if i == max {
			return append(dst, "..."...)
		}
		if c == '\r' || c == '\n' {
			c = ' '
		}
		dst = append(dst, c)
	}
	return dst
}
