//go:build unix

package sim

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time (user and system) this process has used. On a
// machine shared with other work, benchmarks report it besides wall time:
// wall time grows with the load, CPU time much less.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
