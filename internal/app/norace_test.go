//go:build !race

package app

// raceEnabled reports whether the tests run under the race detector.
const raceEnabled = false
