package fs

import (
	"io"
	"os"
	"sync"

	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// DefaultDirBatch is the number of entries ReadDirStream reads per call on
// the blocking pool when it is given no batch size (Tokio's read_dir reads
// 32 at a time too).
const DefaultDirBatch = 32

// ReadDirStream returns the lazy stream of the named directory's entries,
// read batch at a time (DefaultDirBatch if batch <= 0) on the blocking
// pool, so that a directory of any size is listed in memory bounded by the
// batch: Tokio's read_dir. The entries come in the order the system keeps
// them, not sorted as ReadDir sorts them, and "." and ".." are left out.
//
// The directory is opened on the first poll and closed when the stream
// ends, fails, is abandoned (future.Abandoner) or is closed: a caller that
// stops reading before the end (a Take) calls Close. An error opening or
// reading it is the stream's last item, after the entries read before it;
// then the stream ends. Errors are *fs.PathError, as os.ReadDir's.
func ReadDirStream(name string, batch int) *DirStream {
	if batch <= 0 {
		batch = DefaultDirBatch
	}
	return &DirStream{d: &openDir{name: name}, batch: batch}
}

// openDir is the directory a DirStream reads, shared with the function on
// the blocking pool: an abandoned stream cannot wait for that function, so
// whichever of the two comes last closes the directory.
type openDir struct {
	name string

	mu        sync.Mutex
	f         *os.File // nil before the open and after the close
	abandoned bool     // no more reads: close what is open, open nothing
}

// read opens the directory if it is not open yet and reads up to n
// entries; at the end of the directory, or if the stream was abandoned, it
// closes it. It runs on the blocking pool, one call at a time.
func (d *openDir) read(n int) (dirBatch, error) {
	d.mu.Lock()
	f, abandoned := d.f, d.abandoned
	d.mu.Unlock()
	if abandoned {
		return dirBatch{end: true}, nil
	}
	if f == nil {
		var err error
		if f, err = os.Open(d.name); err != nil {
			return dirBatch{end: true}, err
		}
		d.mu.Lock()
		if d.abandoned {
			d.mu.Unlock()
			f.Close()
			return dirBatch{end: true}, nil
		}
		d.f = f
		d.mu.Unlock()
	}
	entries, err := f.ReadDir(n)
	b := dirBatch{entries: entries, end: err != nil}
	if b.end {
		d.close()
	}
	if err == io.EOF {
		err = nil
	}
	return b, err
}

// close closes the directory if it is open; it is safe from the loop and
// the blocking pool alike.
func (d *openDir) close() {
	d.mu.Lock()
	f := d.f
	d.f = nil
	d.abandoned = true
	d.mu.Unlock()
	if f != nil {
		f.Close()
	}
}

// dirBatch is what one read on the blocking pool returned.
type dirBatch struct {
	entries []os.DirEntry
	end     bool // the directory is closed: no more reads
}

// DirStream is the stream of a directory's entries that ReadDirStream
// returns.
type DirStream struct {
	d     *openDir
	batch int
	buf   []os.DirEntry // entries read and not yet handed out
	err   error         // the error after buf, then the end
	end   bool          // no read to start: hand out buf (and err), then end
	read  future.Future[dirBatch]
}

// PollNext answers the next entry, pending (with the task's waker
// arranged) while a batch is read on the blocking pool, an error as the
// last item, or the end.
func (s *DirStream) PollNext(cx *future.Context) stream.Poll[os.DirEntry] {
	for {
		if len(s.buf) > 0 {
			e := s.buf[0]
			s.buf[0] = nil
			s.buf = s.buf[1:]
			return stream.Item(e)
		}
		if s.err != nil {
			err := s.err
			s.err = nil
			return stream.Fail[os.DirEntry](err)
		}
		if s.end {
			return stream.End[os.DirEntry]()
		}
		if s.read == nil {
			d, n := s.d, s.batch
			s.read = driver.SpawnBlocking(func() (dirBatch, error) { return d.read(n) })
		}
		p := s.read.Poll(cx)
		if p.IsPending() {
			return stream.Pending[os.DirEntry]()
		}
		s.read = nil
		b := p.Value()
		s.buf, s.err, s.end = b.entries, p.Err(), b.end
		if s.err != nil {
			s.end = true
			s.d.close() // a failure of the pool itself leaves it open
		}
	}
}

// Close closes the directory, now if no read is running, or when the one
// running returns; the entries read and not handed out are dropped, and
// the stream ends. It is idempotent, and safe before the first poll.
func (s *DirStream) Close() error {
	if s.read != nil {
		future.Abandon(s.read)
		s.read = nil
	}
	s.d.close()
	s.buf, s.err, s.end = nil, nil, true
	return nil
}

// Abandon is Close (future.Abandoner): the stream owns the directory, and
// no one else can read it.
func (s *DirStream) Abandon() { s.Close() }

var (
	_ stream.Stream[os.DirEntry] = (*DirStream)(nil)
	_ future.Abandoner           = (*DirStream)(nil)
)
