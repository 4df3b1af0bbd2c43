package procfs

import (
	"os"
	"testing"
	"time"
)

func TestParseStat(t *testing.T) {
	tests := []struct {
		name         string
		in           string
		user, system time.Duration
		wantErr      bool
	}{
		{"plain", "4242 (compare) S 1 4242 4242 0 -1 4194560 100 0 0 0 150 27 0 0 20 0 5 0 100 0 0",
			1500 * time.Millisecond, 270 * time.Millisecond, false},
		{"name with spaces and parentheses", "7 (a b) (c)) R 1 7 7 0 -1 0 0 0 0 0 3 4 0 0 20 0 1 0",
			30 * time.Millisecond, 40 * time.Millisecond, false},
		{"no name", "7 a R 1", 0, 0, true},
		{"short", "7 (x) R 1 2 3", 0, 0, true},
		{"not a number", "7 (x) R 1 7 7 0 -1 0 0 0 0 0 x 4 0 0", 0, 0, true},
	}
	for _, tc := range tests {
		u, s, err := ParseStat(tc.in)
		if u != tc.user || s != tc.system || (err != nil) != tc.wantErr {
			t.Errorf("%s: ParseStat() = %v, %v, %v; want %v, %v, error %v", tc.name, u, s, err, tc.user, tc.system, tc.wantErr)
		}
	}
}

func TestParseStatus(t *testing.T) {
	in := "Name:\techo\nVmPeak:\t  9000 kB\nVmHWM:\t    4900 kB\nVmRSS:\t    4096 kB\nThreads:\t5\n"
	got, err := ParseStatus(in)
	if err != nil || got != (Memory{RSS: 4096 << 10, Peak: 4900 << 10}) {
		t.Errorf("ParseStatus() = %+v, %v; want RSS 4 MiB, peak 4900 KiB", got, err)
	}
	for _, bad := range []string{"Name:\tx\n", "VmRSS:\t12 MB\n", "VmRSS:\tx kB\n"} {
		if _, err := ParseStatus(bad); err == nil {
			t.Errorf("ParseStatus(%q) succeeded; want an error", bad)
		}
	}
}

func TestParseCPUInfo(t *testing.T) {
	in := "processor\t: 0\nmodel name\t: AMD EPYC\nflags\t: fpu\n\nprocessor\t: 1\nmodel name\t: AMD EPYC\n"
	if model, n := ParseCPUInfo(in); model != "AMD EPYC" || n != 2 {
		t.Errorf("ParseCPUInfo() = %q, %d; want \"AMD EPYC\", 2", model, n)
	}
	if model, n := ParseCPUInfo(""); model != "unknown CPU" || n != 0 {
		t.Errorf("ParseCPUInfo(\"\") = %q, %d; want \"unknown CPU\", 0", model, n)
	}
}

func TestParseMemInfo(t *testing.T) {
	if n, err := ParseMemInfo("MemTotal:       24683548 kB\nMemFree: 1 kB\n"); err != nil || n != 24683548<<10 {
		t.Errorf("ParseMemInfo() = %d, %v; want %d", n, err, int64(24683548)<<10)
	}
	if _, err := ParseMemInfo("MemFree: 1 kB\n"); err == nil {
		t.Errorf("ParseMemInfo(no MemTotal) succeeded; want an error")
	}
}

func TestReadOwn(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	if _, err := CPUTime(os.Getpid()); err != nil {
		t.Errorf("CPUTime(own pid) error = %v", err)
	}
	if m, err := ReadMemory(os.Getpid()); err != nil || m.RSS <= 0 || m.Peak < m.RSS {
		t.Errorf("ReadMemory(own pid) = %+v, %v; want a positive RSS no larger than the peak", m, err)
	}
	if _, err := CPUTime(-1); err == nil {
		t.Errorf("CPUTime(-1) succeeded; want an error")
	}
	m := ReadMachine()
	if m.CPUs <= 0 || m.MemTotal <= 0 || m.Kernel == "" {
		t.Errorf("ReadMachine() = %+v; want CPUs, memory and kernel", m)
	}
	cpus, err := Allowed(os.Getpid())
	if err != nil || len(cpus) == 0 {
		t.Errorf("Allowed(own pid) = %v, %v; want at least one CPU", cpus, err)
	}
}

func TestParseTimeWait(t *testing.T) {
	in := "sockets: used 180\nTCP: inuse 5 orphan 0 tw 99080 alloc 9 mem 2\nUDP: inuse 0 mem 0\n"
	if n, err := ParseTimeWait(in); err != nil || n != 99080 {
		t.Errorf("ParseTimeWait() = %d, %v; want 99080, nil", n, err)
	}
	for _, bad := range []string{"", "UDP: inuse 0 mem 0\n", "TCP: inuse 5 orphan 0\n", "TCP: inuse 5 tw x\n"} {
		if _, err := ParseTimeWait(bad); err == nil {
			t.Errorf("ParseTimeWait(%q) succeeded; want an error", bad)
		}
	}
}
