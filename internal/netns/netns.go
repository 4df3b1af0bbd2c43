// Package netns runs a test inside a network namespace of its own whose only
// interface is the loopback, so that a test may bind a wildcard address (to
// check dual-stack listening, say) without opening a port on any other
// network.
package netns

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

const envInside = "EDDY_TEST_NETNS"

// Loopback reports whether the calling test should run its body: true when
// it already runs inside the namespace. Otherwise it runs the same test
// again inside a fresh namespace (unshare -n, loopback up), fails t if that
// run fails, and returns false; it skips t when namespaces are not
// available (not root, no unshare or ip).
func Loopback(t *testing.T) bool {
	t.Helper()
	if os.Getenv(envInside) == "1" {
		return true
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to make a loopback-only network namespace (unshare -n)")
	}
	for _, tool := range []string{"unshare", "ip"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("needs %s to make a loopback-only network namespace", tool)
		}
	}
	cmd := exec.Command("unshare", "-n", "sh", "-c", `ip link set lo up && exec "$0" "$@"`,
		os.Args[0], "-test.run", "^"+t.Name()+"$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), envInside+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: "+t.Name()) {
		t.Fatalf("%s in a loopback-only network namespace: %v\n%s", t.Name(), err, out)
	}
	return false
}
