package model

import (
	"math"
	"testing"
)

// aliasLaw is the exact chance of each index under table t: column c is
// taken with chance 1/n, then keeps c with prob[c] or gives alias[c].
func aliasLaw(t aliasTable) []float64 {
	n := len(t.prob)
	law := make([]float64, n)
	for c := range n {
		law[c] += t.prob[c] / float64(n)
		law[t.alias[c]] += (1 - t.prob[c]) / float64(n)
	}
	return law
}

func TestAliasTableLaw(t *testing.T) {
	for _, w := range [][]float64{
		{1},
		{1, 1, 1},
		{0, 1},
		{1, 0, 0, 0, 2},
		{0.15, 0.9, 0.02, 0, 0.4, 0.33, 0.01, 0.7, 0.05, 0.2, 0, 0.6, 0.08},
		{1e-9, 1, 1e-9},
		{5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3},
	} {
		tab := newAlias(w)
		law := aliasLaw(tab)
		total := sum(w)
		for m, x := range w {
			if math.Abs(law[m]-x/total) > 1e-12 {
				t.Errorf("weights %v: chance of %d is %v, want %v", w, m, law[m], x/total)
			}
			if x == 0 && tab.prob[m] != 0 {
				t.Errorf("weights %v: zero weight %d kept with chance %v", w, m, tab.prob[m])
			}
		}
		for _, u := range []float64{0, 0.5, math.Nextafter(1, 0)} {
			if m := tab.draw(u); w[m] <= 0 {
				t.Errorf("weights %v: draw(%v) = %d, a zero weight", w, u, m)
			}
		}
	}
}

// TestAliasDrawFrequencies: draws over a fine grid of u follow the weights
// (the grid makes the check deterministic).
func TestAliasDrawFrequencies(t *testing.T) {
	w := []float64{0.15, 0.9, 0.02, 0, 0.4, 0.33}
	tab := newAlias(w)
	const n = 600_000
	counts := make([]float64, len(w))
	for k := range n {
		counts[tab.draw((float64(k)+0.5)/n)]++
	}
	total := sum(w)
	for m := range w {
		if got, want := counts[m]/n, w[m]/total; math.Abs(got-want) > 1e-4 {
			t.Errorf("index %d drawn %.5f of the time, want %.5f", m, got, want)
		}
	}
}
