package cputime

import "testing"

// TestUsedGrows: busy work adds CPU time, and the reading never falls.
func TestUsedGrows(t *testing.T) {
	before := Used()
	x := 0.0
	for i := range 50_000_000 {
		x += float64(i % 7)
	}
	after := Used()
	if after <= before || x == 0 {
		t.Errorf("CPU time %v before busy work, %v after", before, after)
	}
}
