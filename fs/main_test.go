package fs_test

import (
	"fmt"
	"os"
	"testing"

	iocopy "github.com/eddyio/eddy/copy"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/fs"
	"github.com/eddyio/eddy/internal/leaktest"
)

// childEnv names the job of the test binary when a test runs it as a child
// process.
const childEnv = "EDDY_FS_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "copy-stdin-stdout" {
		os.Exit(copyStdinStdout())
	}
	os.Exit(leaktest.Check(m))
}

// copyStdinStdout is the child of TestStdinToStdout: it copies its
// standard input to its standard output through fs and copy.Copy.
func copyStdinStdout() int {
	in, err := fs.Stdin()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer in.Close()
	out, err := fs.Stdout()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer out.Close()
	n, err := driver.Run(iocopy.Copy(in, out))
	fmt.Fprintf(os.Stderr, "copied %d bytes, %v\n", n, err)
	if err != nil {
		return 1
	}
	return 0
}
