// Package cputime reads the CPU time the process has used, for benchmarks
// that report it besides wall time: on a machine shared with other work,
// wall time grows with the load, CPU time much less. Compare ratios within
// one run; no test asserts a time.
package cputime
