package plots

import (
	"math"
	"strconv"

	"gonum.org/v1/plot"
)

// NiceTicks is a plot.Ticker with labelled ticks at 1, 2 or 5 times a power
// of ten (4 to 10 of them), minor ticks halfway, and labels with as many
// decimals as the step needs: 0, 0.5, 1, 1.5 rather than 0, 0.9, 1.8.
type NiceTicks struct {
	N int // intervals wanted, about; 0 means 5
}

// Ticks implements plot.Ticker.
func (nt NiceTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) || math.IsInf(hi-lo, 0) {
		return []plot.Tick{{Value: lo, Label: tickLabel(lo, 0)}}
	}
	n := nt.N
	if n <= 0 {
		n = 5
	}
	step := niceStep((hi - lo) / float64(n))
	for range 4 { // at least two labels to read a scale from
		if countTicks(lo, hi, step) >= 2 {
			break
		}
		step = smallerStep(step)
	}
	decimals := max(0, -int(math.Floor(math.Log10(step)+1e-9)))
	var ticks []plot.Tick
	first := math.Ceil(lo/step-1e-9) * step
	for i := 0; ; i++ {
		v := first + float64(i)*step
		if v > hi+step*1e-9 {
			break
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: tickLabel(v, decimals)})
		if m := v + step/2; m <= hi {
			ticks = append(ticks, plot.Tick{Value: m})
		}
	}
	if m := first - step/2; m >= lo {
		ticks = append(ticks, plot.Tick{Value: m})
	}
	return ticks
}

func countTicks(lo, hi, step float64) int {
	return int(math.Floor(hi/step+1e-9) - math.Ceil(lo/step-1e-9) + 1)
}

// smallerStep is the next nice step below step: 5 -> 2 -> 1 -> 0.5.
func smallerStep(step float64) float64 {
	mag := math.Pow(10, math.Floor(math.Log10(step)+1e-9))
	switch r := step / mag; {
	case r >= 5-1e-9:
		return 2 * mag
	case r >= 2-1e-9:
		return mag
	}
	return mag / 2
}

// niceStep is the smallest of 1, 2 and 5 times a power of ten at least raw.
func niceStep(raw float64) float64 {
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw*(1-1e-9) {
			return m * mag
		}
	}
	return 10 * mag
}

func tickLabel(v float64, decimals int) string {
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if s == "-0" || (len(s) > 2 && s[:2] == "-0" && strconv.FormatFloat(-v, 'f', decimals, 64) == s[1:] && isZero(s[1:])) {
		return s[1:]
	}
	return s
}

func isZero(s string) bool {
	for _, r := range s {
		if r != '0' && r != '.' {
			return false
		}
	}
	return true
}
