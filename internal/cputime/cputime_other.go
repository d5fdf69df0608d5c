//go:build !unix

package cputime

import "time"

var processStart = time.Now()

// Used falls back to wall time since the process started where getrusage is
// not available.
func Used() time.Duration { return time.Since(processStart) }
