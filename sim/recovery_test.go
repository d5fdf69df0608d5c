package sim

import (
	"context"
	"flag"
	"math"
	"testing"

	"gonum.org/v1/gonum/stat"

	"github.com/rinsim/rinsim/internal/rng"
	"github.com/rinsim/rinsim/scenarios"
)

var abcRecovery = flag.Bool("abc.recovery", false, "run the parameter-recovery test of the calibration on the thesis scenario (about a minute on two cores; CI runs it)")

// TestCalibrationRecovery: targets generated from the model at known
// values of two parameters are recovered. For each of 20 truths drawn from
// the prior, the bands are the model's own means at the truth (8
// replications on seeds the calibration never uses) +- 3 standard errors
// of a 2-replication mean; a calibration with 2 replications per proposal
// must cover the truth with its central 90 % interval, for each parameter,
// in at least 80 % of the repetitions (issue 10). Behind -abc.recovery.
func TestCalibrationRecovery(t *testing.T) {
	if !*abcRecovery {
		t.Skip("set -abc.recovery to run (CI does)")
	}
	const reps, calReps, truthReps = 20, 2, 8
	base, err := scenarios.Builtin("thesis")
	if err != nil {
		t.Fatal(err)
	}
	factors := []Factor{{Key: "archetype.approached.propensity", Lo: 0.05, Hi: 0.5}, {Key: "firm.step_rate", Lo: 0.05, Hi: 0.5}}
	shapes := []Pattern{
		{ID: "attendance_approached", Statistic: "attendance_per_year", Archetype: "approached"},
		{ID: "abroad", Statistic: "share_abroad_end"},
		{ID: "rin_contact", Statistic: "share_with_rin_contact"},
	}
	r := rng.New(2026, rng.KindDesign, 0)
	covered := make([]int, len(factors))
	width := make([]float64, len(factors)) // interval width over the prior's, summed
	for rep := range reps {
		truth := make([]float64, len(factors))
		for k, f := range factors {
			truth[k] = f.Lo + (0.1+0.8*r.Float64())*(f.Hi-f.Lo)
		}
		patterns := truthBands(t, base, factors, shapes, truth, truthReps, calReps, uint64(1000+rep))
		cal, err := NewCalibration(base, factors, patterns, calReps)
		if err != nil {
			t.Fatal(err)
		}
		gens, err := ABCSMC(context.Background(), cal.Prior(), cal.Distance,
			ABCSettings{Particles: 50, Generations: 3, Seed: uint64(rep), Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		last := gens[len(gens)-1]
		for k := range factors {
			q := last.WeightedQuantiles(k, 0.05, 0.95)
			width[k] += (q[1] - q[0]) / (factors[k].Hi - factors[k].Lo)
			if truth[k] >= q[0] && truth[k] <= q[1] {
				covered[k]++
			}
			t.Logf("repetition %d: %s truth %.3f, 90 %% interval [%.3f, %.3f]", rep, factors[k].Key, truth[k], q[0], q[1])
		}
	}
	for k, f := range factors {
		t.Logf("%s: covered in %d of %d; mean interval width %.2f of the prior's", f.Key, covered[k], reps, width[k]/reps)
		if covered[k] < reps*8/10 {
			t.Errorf("%s: 90 %% intervals cover the truth in %d of %d repetitions, want >= 80 %%", f.Key, covered[k], reps)
		}
	}
}

// truthBands runs the model at truth and returns the shapes with bands of
// the mean +- 3 standard errors of a calReps-replication mean.
func truthBands(t *testing.T, base *scenarios.Scenario, factors []Factor, shapes []Pattern, truth []float64,
	truthReps, calReps int, seed uint64) []Pattern {
	t.Helper()
	cal := &Calibration{Base: base, Factors: factors}
	s, err := cal.Scenario(truth)
	if err != nil {
		t.Fatal(err)
	}
	runs := map[string][]*RunTally{}
	for r := range truthReps {
		res, err := Run(context.Background(), s, RepSeed(seed, r), nil)
		if err != nil {
			t.Fatal(err)
		}
		runs[PointBaseline] = append(runs[PointBaseline], TallyRun(res))
	}
	out := make([]Pattern, len(shapes))
	for i, p := range shapes {
		xs := make([]float64, truthReps)
		for r := range truthReps {
			at, _ := tallyAt(runs, r, p.Network, p.Archetype)
			xs[r] = statistics[p.Statistic].Value(at)
		}
		mean, sd := stat.MeanStdDev(xs, nil)
		half := 3 * math.Max(sd, 1e-3) / math.Sqrt(float64(calReps))
		p.Low, p.High, p.Source, p.Description = mean-half, mean+half, "the model at known parameters", p.ID
		out[i] = p
	}
	return out
}
