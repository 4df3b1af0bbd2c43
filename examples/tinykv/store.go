package main

import (
	"hash/maphash"
	"strconv"
	"sync"
)

// shards is the number of parts of the store, each with its own lock.
const shards = 64

// Store is the key-value map, shared by every loop (and by every
// connection's goroutine in the -std server): a map split in 64 shards by a
// hash of the key, each behind its own mutex, so that loops on different
// cores seldom wait for one another. A value is never changed in place: SET
// and INCR store a new slice, so a value handed out by Get may be written
// to a connection after the lock is released.
type Store struct {
	seed   maphash.Seed
	shards [shards]shard
}

type shard struct {
	mu sync.Mutex
	m  map[string][]byte
	_  [40]byte // a cache line each
}

// NewStore returns an empty store.
func NewStore() *Store {
	s := &Store{seed: maphash.MakeSeed()}
	for i := range s.shards {
		s.shards[i].m = make(map[string][]byte)
	}
	return s
}

func (s *Store) shard(key []byte) *shard {
	return &s.shards[maphash.Bytes(s.seed, key)%shards]
}

// Get returns the value of key, and whether it is set.
func (s *Store) Get(key []byte) ([]byte, bool) {
	sh := s.shard(key)
	sh.mu.Lock()
	v, ok := sh.m[string(key)]
	sh.mu.Unlock()
	return v, ok
}

// Set sets key to a copy of value.
func (s *Store) Set(key, value []byte) {
	v := append([]byte(nil), value...)
	if v == nil {
		v = []byte{}
	}
	sh := s.shard(key)
	sh.mu.Lock()
	sh.m[string(key)] = v
	sh.mu.Unlock()
}

// Del deletes key and reports whether it was set.
func (s *Store) Del(key []byte) bool {
	sh := s.shard(key)
	sh.mu.Lock()
	_, ok := sh.m[string(key)]
	if ok {
		delete(sh.m, string(key))
	}
	sh.mu.Unlock()
	return ok
}

// Incr adds one to the decimal integer at key (0 when it is not set) and
// returns the new value; ok is false, and nothing changes, when the value
// is not an integer or the sum would overflow.
func (s *Store) Incr(key []byte) (n int64, ok bool) {
	sh := s.shard(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	v, set := sh.m[string(key)]
	if set {
		// Redis refuses what strconv accepts beyond plain decimals
		// ("+1", "01"), and values longer than 20 bytes.
		if len(v) == 0 || len(v) > 20 || v[0] == '+' || len(v) > 1 && v[0] == '0' || len(v) > 1 && v[0] == '-' && v[1] == '0' {
			return 0, false
		}
		var err error
		if n, err = strconv.ParseInt(string(v), 10, 64); err != nil {
			return 0, false
		}
	}
	if n == 1<<63-1 {
		return 0, false
	}
	n++
	sh.m[string(key)] = strconv.AppendInt(make([]byte, 0, 20), n, 10)
	return n, true
}
