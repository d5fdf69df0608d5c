package model

import (
	"time"

	"github.com/rinsim/rinsim/internal/cputime"
)

// cpuTime is the CPU time the process has used (benchmarks report it
// besides wall time, since the machine is shared).
func cpuTime() time.Duration { return cputime.Used() }
