package main

import (
	"errors"
	"io"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/internal/testkit/prockit"
)

// TestHello runs the program against a listener of package net, which
// must receive exactly "hello world\n" and then the end of the stream.
func TestHello(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	p := prockit.Start(t, prockit.Build(t, "."), "-addr", ln.Addr().String())

	ln.(*net.TCPListener).SetDeadline(time.Now().Add(prockit.Timeout))
	c, err := ln.Accept()
	if err != nil {
		t.Fatalf("Accept: %v", err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(prockit.Timeout))
	got, err := io.ReadAll(c) // up to EOF
	if err != nil {
		t.Fatalf("ReadAll: %v", err)
	}
	if string(got) != "hello world\n" {
		t.Errorf("received %q; want %q then EOF", got, "hello world\n")
	}
	p.Wait(t)
}

// TestHelloRefused: with nobody listening, the program reports the refused
// connection and exits with status 1.
func TestHelloRefused(t *testing.T) {
	addr := testkit.RefusingAddr(t)
	p := prockit.Start(t, prockit.Build(t, "."), "-addr", addr)
	var exit *exec.ExitError
	if err := p.WaitExit(t); !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Errorf("exit = %v; want status 1", err)
	}
	if !strings.Contains(p.Stderr(), "connection refused") {
		t.Errorf("stderr = %q; want it to report the refused connection", p.Stderr())
	}
}
