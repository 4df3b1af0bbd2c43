// Package procfs reads what the benchmarks need from Linux's /proc: a
// process's CPU time and resident memory, the machine's CPU, memory and
// kernel, and pins processes' threads to CPUs (sched_setaffinity).
//
// The parsers take the file's text, so that they are tested without /proc;
// the readers around them fail with an error where /proc is missing.
package procfs

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Tick is the unit of the CPU times of /proc/PID/stat: USER_HZ is 100 on
// Linux, so a tick is 10 ms.
const Tick = 10 * time.Millisecond

// ParseStat returns the user and system CPU time (fields 14 and 15 of
// proc_pid_stat(5)) from the text of /proc/PID/stat.
func ParseStat(s string) (user, system time.Duration, err error) {
	// The command name, in parentheses, may hold spaces and parentheses:
	// count from after its last closing parenthesis.
	i := strings.LastIndex(s, ")")
	if i < 0 {
		return 0, 0, errors.New("procfs: stat has no command name")
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, 0, fmt.Errorf("procfs: stat has %d fields after the command; want at least 13", len(f))
	}
	u, err1 := strconv.ParseUint(f[11], 10, 64) // field 14 of proc_pid_stat(5)
	t, err2 := strconv.ParseUint(f[12], 10, 64) // field 15
	if err := errors.Join(err1, err2); err != nil {
		return 0, 0, fmt.Errorf("procfs: stat: %w", err)
	}
	return time.Duration(u) * Tick, time.Duration(t) * Tick, nil
}

// CPUTime returns the user plus system CPU time process pid has used so
// far, at a resolution of Tick.
func CPUTime(pid int) (time.Duration, error) {
	u, s, err := CPUTimes(pid)
	return u + s, err
}

// CPUTimes returns the user and the system CPU time process pid has used
// so far, at a resolution of Tick.
func CPUTimes(pid int) (user, system time.Duration, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, err
	}
	return ParseStat(string(b))
}

// ParseTimeWait returns the number of TCP sockets in TIME_WAIT (the "tw"
// count of the "TCP:" line) from the text of /proc/net/sockstat.
func ParseTimeWait(s string) (int, error) {
	for line := range strings.Lines(s) {
		rest, ok := strings.CutPrefix(line, "TCP:")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		for i := 0; i+1 < len(f); i += 2 {
			if f[i] == "tw" {
				n, err := strconv.Atoi(f[i+1])
				if err != nil {
					return 0, fmt.Errorf("procfs: sockstat: %w", err)
				}
				return n, nil
			}
		}
		return 0, errors.New("procfs: sockstat: TCP line has no tw count")
	}
	return 0, errors.New("procfs: sockstat has no TCP line")
}

// TimeWait returns the number of TCP sockets in TIME_WAIT in this network
// namespace, from /proc/net/sockstat. Churn leaves one per connection for a
// minute, and the kernel's work per packet grows with them.
func TimeWait() (int, error) {
	b, err := os.ReadFile("/proc/net/sockstat")
	if err != nil {
		return 0, err
	}
	return ParseTimeWait(string(b))
}

// Memory is a process's resident memory, from /proc/PID/status.
type Memory struct {
	RSS  int64 // VmRSS, in bytes
	Peak int64 // VmHWM (peak resident set), in bytes
}

// ParseStatus returns VmRSS and VmHWM from the text of /proc/PID/status.
func ParseStatus(s string) (Memory, error) {
	var m Memory
	var haveRSS bool
	for line := range strings.Lines(s) {
		k, v, ok := strings.Cut(line, ":")
		if !ok || (k != "VmRSS" && k != "VmHWM") {
			continue
		}
		n, err := parseKB(v)
		if err != nil {
			return Memory{}, fmt.Errorf("procfs: status %s: %w", k, err)
		}
		if k == "VmRSS" {
			m.RSS, haveRSS = n, true
		} else {
			m.Peak = n
		}
	}
	if !haveRSS {
		return Memory{}, errors.New("procfs: status has no VmRSS")
	}
	return m, nil
}

// parseKB parses "  1234 kB" into bytes.
func parseKB(v string) (int64, error) {
	f := strings.Fields(v)
	if len(f) != 2 || f[1] != "kB" {
		return 0, fmt.Errorf("%q is not a size in kB", strings.TrimSpace(v))
	}
	n, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil {
		return 0, err
	}
	return n << 10, nil
}

// ReadMemory returns process pid's resident memory.
func ReadMemory(pid int) (Memory, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return Memory{}, err
	}
	return ParseStatus(string(b))
}

// Machine describes the computer the benchmarks ran on.
type Machine struct {
	CPUModel string `json:"cpu_model"` // "model name" of /proc/cpuinfo
	CPUs     int    `json:"cpus"`      // processors listed in /proc/cpuinfo
	MemTotal int64  `json:"mem_total"` // bytes, MemTotal of /proc/meminfo
	Kernel   string `json:"kernel"`    // uname: system, release, version, machine
}

// ParseCPUInfo returns the first model name and the number of processors
// in the text of /proc/cpuinfo.
func ParseCPUInfo(s string) (model string, cpus int) {
	for line := range strings.Lines(s) {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		switch strings.TrimSpace(k) {
		case "processor":
			cpus++
		case "model name":
			if model == "" {
				model = strings.TrimSpace(v)
			}
		}
	}
	if model == "" {
		model = "unknown CPU"
	}
	return model, cpus
}

// ParseMemInfo returns MemTotal, in bytes, from the text of /proc/meminfo.
func ParseMemInfo(s string) (int64, error) {
	for line := range strings.Lines(s) {
		if k, v, ok := strings.Cut(line, ":"); ok && k == "MemTotal" {
			return parseKB(v)
		}
	}
	return 0, errors.New("procfs: meminfo has no MemTotal")
}

// ReadMachine describes this machine; what cannot be read stays empty.
func ReadMachine() Machine {
	var m Machine
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		m.CPUModel, m.CPUs = ParseCPUInfo(string(b))
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		m.MemTotal, _ = ParseMemInfo(string(b))
	}
	m.Kernel = uname()
	return m
}
