package leaktest

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

func TestMain(m *testing.M) { os.Exit(Check(m)) }

func TestOpenFDsSeesPipe(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("fds are listed on Linux only")
	}
	Fds(t)
	before, err := openFDs()
	if err != nil {
		t.Fatalf("openFDs() = %v", err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatalf("Pipe() = %v", err)
	}
	after, err := openFDs()
	if err != nil {
		t.Fatalf("openFDs() = %v", err)
	}
	diff := diffFDs(before, after)
	for _, f := range []*os.File{r, w} {
		want := "fd " + strconv.Itoa(int(f.Fd())) + " -> pipe:["
		if !strings.Contains(diff, want) {
			t.Errorf("diffFDs() = %q; want it to contain %q", diff, want)
		}
	}
	r.Close()
	w.Close()
	now, err := openFDs()
	if err != nil {
		t.Fatalf("openFDs() = %v", err)
	}
	if diff := diffFDs(before, now); diff != "" {
		t.Errorf("diffFDs() after closing = %q; want \"\"", diff)
	}
}

func TestDiffFDs(t *testing.T) {
	tests := []struct {
		name          string
		before, after map[int]string
		want          string
	}{
		{name: "same", before: map[int]string{0: "/dev/null"}, after: map[int]string{0: "/dev/null"}, want: ""},
		{name: "opened", before: map[int]string{}, after: map[int]string{5: "socket:[1]"},
			want: "  fd 5 -> socket:[1]: opened and not closed"},
		{name: "closed", before: map[int]string{5: "socket:[1]"}, after: map[int]string{},
			want: "  fd 5 -> socket:[1]: open before, closed since (closed twice?)"},
		{name: "reused", before: map[int]string{5: "socket:[1]"}, after: map[int]string{5: "socket:[2]"},
			want: "  fd 5 -> socket:[2]: was socket:[1] (closed and reused)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := diffFDs(tc.before, tc.after); got != tc.want {
				t.Errorf("diffFDs() = %q; want %q", got, tc.want)
			}
		})
	}
}

func TestGoroutineStacks(t *testing.T) {
	before := goroutines()
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		<-stop
	}()
	var found bool
	for id, stack := range goroutineStacks() {
		if !before[id] && strings.Contains(stack, "TestGoroutineStacks.func") {
			found = true
		}
	}
	if !found {
		t.Errorf("goroutineStacks() does not list the goroutine the test started")
	}
	close(stop)
	<-done
	if left := waitGoroutines(before); len(left) != 0 {
		t.Errorf("waitGoroutines() = %q; want none", left)
	}
}

func TestGoroutineID(t *testing.T) {
	tests := []struct {
		in     string
		want   uint64
		wantOK bool
	}{
		{in: "goroutine 42 [running]:\nmain.main()", want: 42, wantOK: true},
		{in: "goroutine x [running]:", wantOK: false},
		{in: "other", wantOK: false},
	}
	for _, tc := range tests {
		got, ok := goroutineID([]byte(tc.in))
		if got != tc.want || ok != tc.wantOK {
			t.Errorf("goroutineID(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.wantOK)
		}
	}
}
