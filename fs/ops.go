package fs

import (
	"os"

	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
)

// Open returns a lazy future that opens the named file for reading on the
// blocking pool, as os.Open does, and is ready with it.
func Open(name string) future.Future[*File] { return OpenFile(name, os.O_RDONLY, 0) }

// Create returns a lazy future that creates or truncates the named file,
// as os.Create does (mode 0666 before the umask, opened for reading and
// writing), and is ready with it.
func Create(name string) future.Future[*File] {
	return OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o666)
}

// OpenFile returns a lazy future that opens the named file with flag
// (os.O_RDONLY, os.O_WRONLY|os.O_APPEND, ...) and perm, as os.OpenFile
// does, on the blocking pool, and is ready with it. A FIFO or a terminal
// is then driven by the reactor (see [FromOS]). Errors are *fs.PathError.
func OpenFile(name string, flag int, perm os.FileMode) future.Future[*File] {
	return driver.SpawnBlocking(func() (*File, error) {
		f, err := os.OpenFile(name, flag, perm)
		if err != nil {
			return nil, err
		}
		return fromOpened(f)
	})
}

// ReadFile returns a lazy future that reads the whole named file on the
// blocking pool, as os.ReadFile does.
func ReadFile(name string) future.Future[[]byte] {
	return driver.SpawnBlocking(func() ([]byte, error) { return os.ReadFile(name) })
}

// WriteFile returns a lazy future that writes data to the named file on the
// blocking pool, as os.WriteFile does (creating it with perm, or
// truncating it). data must not change until the future is ready.
func WriteFile(name string, data []byte, perm os.FileMode) future.Future[struct{}] {
	return driver.SpawnBlocking(func() (struct{}, error) { return struct{}{}, os.WriteFile(name, data, perm) })
}

// ReadDir returns a lazy future that reads the named directory on the
// blocking pool, as os.ReadDir does: its entries sorted by name.
func ReadDir(name string) future.Future[[]os.DirEntry] {
	return driver.SpawnBlocking(func() ([]os.DirEntry, error) { return os.ReadDir(name) })
}

// Mkdir returns a lazy future that creates the named directory, as
// os.Mkdir does (Tokio's create_dir).
func Mkdir(name string, perm os.FileMode) future.Future[struct{}] {
	return done(func() error { return os.Mkdir(name, perm) })
}

// MkdirAll returns a lazy future that creates the named directory and any
// parents it lacks, as os.MkdirAll does (Tokio's create_dir_all).
func MkdirAll(name string, perm os.FileMode) future.Future[struct{}] {
	return done(func() error { return os.MkdirAll(name, perm) })
}

// Remove returns a lazy future that removes the named file or empty
// directory, as os.Remove does (Tokio's remove_file and remove_dir).
func Remove(name string) future.Future[struct{}] {
	return done(func() error { return os.Remove(name) })
}

// RemoveAll returns a lazy future that removes the named path and
// everything it contains, as os.RemoveAll does (Tokio's remove_dir_all).
func RemoveAll(name string) future.Future[struct{}] {
	return done(func() error { return os.RemoveAll(name) })
}

// Rename returns a lazy future that renames (moves) oldpath to newpath, as
// os.Rename does. Its errors are *os.LinkError.
func Rename(oldpath, newpath string) future.Future[struct{}] {
	return done(func() error { return os.Rename(oldpath, newpath) })
}

// Stat returns a lazy future that is ready with the metadata of the named
// file, following symbolic links, as os.Stat does (Tokio's metadata).
func Stat(name string) future.Future[os.FileInfo] {
	return driver.SpawnBlocking(func() (os.FileInfo, error) { return os.Stat(name) })
}

// Lstat returns a lazy future that is ready with the metadata of the named
// file, not following a symbolic link, as os.Lstat does (Tokio's
// symlink_metadata).
func Lstat(name string) future.Future[os.FileInfo] {
	return driver.SpawnBlocking(func() (os.FileInfo, error) { return os.Lstat(name) })
}

// Symlink returns a lazy future that creates newname as a symbolic link to
// oldname, as os.Symlink does (Tokio's symlink). Its errors are
// *os.LinkError.
func Symlink(oldname, newname string) future.Future[struct{}] {
	return done(func() error { return os.Symlink(oldname, newname) })
}

// Readlink returns a lazy future that is ready with the target of the
// named symbolic link, as os.Readlink does (Tokio's read_link).
func Readlink(name string) future.Future[string] {
	return driver.SpawnBlocking(func() (string, error) { return os.Readlink(name) })
}

// Link returns a lazy future that creates newname as a hard link to
// oldname, as os.Link does (Tokio's hard_link). Its errors are
// *os.LinkError.
func Link(oldname, newname string) future.Future[struct{}] {
	return done(func() error { return os.Link(oldname, newname) })
}

// Chmod returns a lazy future that changes the mode of the named file
// (following a symbolic link), as os.Chmod does (Tokio's set_permissions).
func Chmod(name string, mode os.FileMode) future.Future[struct{}] {
	return done(func() error { return os.Chmod(name, mode) })
}

// done runs fn on the blocking pool.
func done(fn func() error) future.Future[struct{}] {
	return driver.SpawnBlocking(func() (struct{}, error) { return struct{}{}, fn() })
}
