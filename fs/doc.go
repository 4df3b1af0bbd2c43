// Package fs is file system access for eddy's loops, after tokio-fs: every
// function is a lazy future ([Open], [Create], [OpenFile], [ReadFile],
// [WriteFile], [ReadDir], [Mkdir], [MkdirAll], [Remove], [RemoveAll],
// [Rename], [Stat], [Lstat], [Symlink], [Readlink], [Link], [Chmod]) that
// runs the system call on the blocking pool of the loop that polls it
// (driver.SpawnBlocking), a large directory is the lazy stream
// [ReadDirStream], and a [File] is an aio.AsyncReader and
// aio.AsyncWriter, so that copy.Copy moves bytes between files and
// sockets.
//
// Regular files cannot be polled for readiness, so a File's reads and
// writes also run on the blocking pool, one at a time, through a buffer of
// the File's own. Pipes, sockets and terminals are driven by the reactor
// instead ([FromOS]); [Stdin], [Stdout] and [Stderr] are the process's
// standard streams chosen that way.
//
// Errors are those of package os: *fs.PathError (or *os.LinkError for
// Rename) that unwrap to the syscall.Errno, so errors.Is(err,
// fs.ErrNotExist) of the standard library holds. A File's errors are
// *fs.PathError naming it.
//
// The package's name is that of the standard library's io/fs; a file that
// needs both imports one of them renamed.
package fs
