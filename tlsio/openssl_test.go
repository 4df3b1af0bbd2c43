package tlsio_test

import (
	"bufio"
	"io"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/codec"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/tlsio"
)

// echoLine answers the first line it reads, then shuts the stream down
// (close_notify, FIN) and closes it.
func echoLine(done chan<- result) func(*tlsio.Stream) future.Future[struct{}] {
	return func(s *tlsio.Stream) future.Future[struct{}] {
		first := combinators.Collect(combinators.Take(codec.ReadLines(s), 1))
		answered := combinators.AndThen(first, func(lines []string) future.Future[struct{}] {
			line := []byte(strings.Join(lines, "") + "\n")
			return combinators.AndThen(aio.WriteAll(s, line), func(int) future.Future[struct{}] { return aio.Shutdown(s) })
		})
		return aio.Closing(s, combinators.Then(answered, func(_ struct{}, err error) {
			done <- result{err: err, state: s.ConnectionState()}
		}))
	}
}

// openssl returns the path of the openssl command, or skips the test.
func openssl(t *testing.T) string {
	path, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl not installed (apt-get install openssl): skipping the test against openssl s_client")
	}
	return path
}

// TestOpenSSLClient: openssl s_client, verifying the server's certificate,
// completes a handshake with an eddy TLS server in both versions and gets
// its line back; the server's close_notify ends it.
func TestOpenSSLClient(t *testing.T) {
	bin := openssl(t)
	cert := newCert(t)
	certFile, _ := cert.files(t)
	for _, v := range []struct{ name, flag string }{{"TLS1.2", "-tls1_2"}, {"TLS1.3", "-tls1_3"}} {
		t.Run(v.name, func(t *testing.T) {
			done := make(chan result, 1)
			addr := serve(t, cert.serverConfig(0), echoLine(done))
			cmd := exec.Command(bin, "s_client", "-connect", addr, "-quiet", v.flag,
				"-CAfile", certFile, "-verify_return_error", "-servername", "localhost")
			cmd.Stdin = strings.NewReader("hello from openssl\n")
			var stderr strings.Builder
			cmd.Stderr = &stderr
			out, err := runFor(t, cmd, 20*time.Second)
			if err != nil {
				t.Fatalf("openssl s_client = %v\nstderr: %s", err, stderr.String())
			}
			if string(out) != "hello from openssl\n" {
				t.Errorf("openssl s_client printed %q; want %q\nstderr: %s", out, "hello from openssl\n", stderr.String())
			}
			r := await(t, done)
			if r.err != nil {
				t.Errorf("server = %v", r.err)
			}
			if want := map[string]uint16{"TLS1.2": 0x0303, "TLS1.3": 0x0304}[v.name]; r.state.Version != want {
				t.Errorf("server's version = %x; want %x", r.state.Version, want)
			}
		})
	}
}

// TestOpenSSLKeyUpdate: openssl s_client's "K" command sends a TLS 1.3
// KeyUpdate that asks for one back. The eddy server answers it while
// reading (crypto/tls queues it; the stream writes it out), so the line it
// echoes, encrypted under its new keys, reaches openssl intact.
func TestOpenSSLKeyUpdate(t *testing.T) {
	bin := openssl(t)
	cert := newCert(t)
	certFile, _ := cert.files(t)
	done := make(chan result, 1)
	addr := serve(t, cert.serverConfig(0), echoLine(done))
	cmd := exec.Command(bin, "s_client", "-connect", addr, "-tls1_3",
		"-CAfile", certFile, "-verify_return_error", "-servername", "localhost")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	kill := time.AfterFunc(20*time.Second, func() { cmd.Process.Kill() })
	defer kill.Stop()

	// s_client reports the key update on its standard error, and drops the
	// rest of the input it read with the command: send the line after.
	updated := make(chan struct{})
	errDone := make(chan string, 1)
	go func() {
		var all strings.Builder
		lines := bufio.NewScanner(stderr)
		for lines.Scan() {
			all.WriteString(lines.Text() + "\n")
			if lines.Text() == "KEYUPDATE" {
				close(updated)
			}
		}
		errDone <- all.String()
	}()
	lines := bufio.NewScanner(stdout)
	handshake, echoed := false, false
	var seen []string
	for lines.Scan() {
		line := lines.Text()
		seen = append(seen, line)
		if !handshake && strings.HasPrefix(strings.TrimSpace(line), "Verify return code: 0") {
			handshake = true
			io.WriteString(stdin, "K\n") // update the keys, and ask for the server's
			go func() {
				select {
				case <-updated:
					io.WriteString(stdin, "after the key update\n")
				case <-time.After(20 * time.Second):
				}
			}()
		}
		if line == "after the key update" {
			echoed = true
		}
	}
	stdin.Close()
	errText := <-errDone
	cmd.Wait()
	if !handshake || !echoed {
		t.Errorf("openssl s_client: handshake %v, line echoed %v; it printed:\n%s\nstderr:\n%s", handshake, echoed, strings.Join(seen, "\n"), errText)
	}
	if r := await(t, done); r.err != nil {
		t.Errorf("server = %v", r.err)
	}
}

// runFor runs cmd, killing it after d, and returns its standard output.
func runFor(t *testing.T, cmd *exec.Cmd, d time.Duration) ([]byte, error) {
	t.Helper()
	timer := time.AfterFunc(d, func() {
		if cmd.Process != nil {
			cmd.Process.Kill()
		}
	})
	defer timer.Stop()
	return cmd.Output()
}
