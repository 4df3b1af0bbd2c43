package main

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseInts(t *testing.T) {
	tests := []struct {
		in      string
		want    []int
		wantErr bool
	}{
		{"1,100,1000", []int{1, 100, 1000}, false},
		{"5", []int{5}, false},
		{" 2 , 3", []int{2, 3}, false},
		{"0", nil, true},
		{"1,x", nil, true},
		{"", nil, true},
	}
	for _, tc := range tests {
		got, err := parseInts(tc.in)
		if (err != nil) != tc.wantErr || !cmp.Equal(got, tc.want) {
			t.Errorf("parseInts(%q) = %v, %v; want %v, error %v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestListening(t *testing.T) {
	tests := []struct {
		out     string
		want    string
		wantErr bool
	}{
		{"listening on 127.0.0.1:4242\n", "127.0.0.1:4242", false},
		{"something else\n", "", true},
		{"", "", true},
	}
	for _, tc := range tests {
		got, err := listening(strings.NewReader(tc.out), time.Second)
		if got != tc.want || (err != nil) != tc.wantErr {
			t.Errorf("listening(%q) = %q, %v; want %q, error %v", tc.out, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestCPUTime(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	if _, ok := cpuTime(os.Getpid()); !ok {
		t.Errorf("cpuTime(own pid) failed; want the process's CPU time")
	}
	if _, ok := cpuTime(-1); ok {
		t.Errorf("cpuTime(-1) succeeded; want failure")
	}
}
