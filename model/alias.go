package model

// aliasTable draws an index in proportion to fixed non-negative weights in
// constant time with one uniform (Walker's alias method, in Vose's stable
// construction: M. D. Vose, "A linear algorithm for generating random numbers
// with a given distribution", IEEE Transactions on Software Engineering
// 17(9), 1991). Column c is taken with chance prob[c] and otherwise gives way
// to alias[c]. A firm's own search proposes markets with it (outboundMarket)
// instead of a linear scan of the weights per draw.
type aliasTable struct {
	prob  []float64
	alias []uint8
}

// newAlias builds the table of weights w (at least one positive, at most 256).
// A zero weight gets prob 0 and is never drawn.
func newAlias(w []float64) aliasTable {
	n := len(w)
	t := aliasTable{prob: make([]float64, n), alias: make([]uint8, n)}
	total := sum(w)
	scaled := make([]float64, n)
	var small, large []int
	for c, x := range w {
		scaled[c] = x * float64(n) / total
		switch {
		case x <= 0:
			scaled[c] = 0
			small = append(small, c)
		case scaled[c] < 1:
			small = append(small, c)
		default:
			large = append(large, c)
		}
	}
	for len(small) > 0 && len(large) > 0 {
		s, l := small[len(small)-1], large[len(large)-1]
		small = small[:len(small)-1]
		t.prob[s], t.alias[s] = scaled[s], uint8(l)
		scaled[l] -= 1 - scaled[s]
		if scaled[l] < 1 {
			large = large[:len(large)-1]
			small = append(small, l)
		}
	}
	// What is left is 1 up to rounding; a zero weight left over here keeps
	// prob 0 and the alias of the last large column.
	last := 0
	for c := range w {
		if w[c] > 0 {
			last = c
		}
	}
	for _, c := range append(small, large...) {
		if w[c] > 0 {
			t.prob[c] = 1
		} else {
			t.prob[c], t.alias[c] = 0, uint8(last)
		}
	}
	return t
}

// draw returns the index chosen by u in [0,1): its integer part of u*n picks
// the column, its fraction decides between the column and its alias.
func (t *aliasTable) draw(u float64) int {
	x := u * float64(len(t.prob))
	c := int(x)
	if x-float64(c) < t.prob[c] {
		return c
	}
	return int(t.alias[c])
}
