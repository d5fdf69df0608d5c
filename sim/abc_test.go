package sim

import (
	"context"
	"math"
	"reflect"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distmv"

	"github.com/rinsim/rinsim/internal/rng"
)

// normalMean is a toy model with a known posterior: n draws from
// N(theta, 1); the summary is their mean and the distance its gap to
// observed. With a flat prior wide enough, the posterior as the tolerance
// goes to 0 is N(observed, 1/n).
func normalMean(n int, observed float64) DistanceFunc {
	return func(_ context.Context, theta []float64, seed uint64, _ float64) (float64, int, error) {
		r := rng.New(seed, rng.KindRep, 0)
		var s float64
		for range n {
			s += theta[0] + r.NormFloat64()
		}
		return math.Abs(s/float64(n) - observed), 1, nil
	}
}

func posteriorMeanSD(g *ABCGeneration, k int) (float64, float64) {
	xs := make([]float64, len(g.Theta))
	for i, th := range g.Theta {
		xs[i] = th[k]
	}
	return stat.MeanStdDev(xs, g.Weights)
}

func TestABCNormalMean(t *testing.T) {
	const n, observed = 10, 1.0
	prior := Box{Lo: []float64{-5}, Hi: []float64{5}}
	gens, err := ABCSMC(context.Background(), prior, normalMean(n, observed),
		ABCSettings{Particles: 500, Generations: 8, Seed: 3, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	last := gens[len(gens)-1]
	mean, sd := posteriorMeanSD(last, 0)
	// Posterior N(1, 1/10): sd 0.316; the final tolerance adds a little.
	if math.Abs(mean-observed) > 0.08 || sd < 0.25 || sd > 0.42 {
		t.Errorf("posterior mean %.3f sd %.3f, want about 1 and 0.316", mean, sd)
	}
	for k := 1; k < len(gens); k++ {
		if gens[k].Tolerance >= gens[k-1].Tolerance {
			t.Errorf("generation %d: tolerance %g did not fall from %g", k, gens[k].Tolerance, gens[k-1].Tolerance)
		}
		if ess := gens[k].ESS(); ess < 50 || ess > 500.0001 {
			t.Errorf("generation %d: ESS %g outside [50, 500]", k, ess)
		}
		for _, d := range gens[k].Distances {
			if d > gens[k].Tolerance {
				t.Fatalf("generation %d: accepted distance %g above tolerance %g", k, d, gens[k].Tolerance)
			}
		}
	}
	if s := floatsSum(last.Weights); math.Abs(s-1) > 1e-9 {
		t.Errorf("weights sum to %g", s)
	}
}

func floatsSum(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s
}

// A two-parameter toy with a known answer: the summary (theta0 + theta1,
// theta0 - theta1) pins both; the prior rejection must keep every
// particle inside the box.
func TestABCTwoParametersInsideBox(t *testing.T) {
	prior := Box{Lo: []float64{0, 0}, Hi: []float64{1, 1}}
	dist := func(_ context.Context, th []float64, seed uint64, _ float64) (float64, int, error) {
		r := rng.New(seed, rng.KindRep, 0)
		a := th[0] + th[1] + 0.02*r.NormFloat64() - 1.0
		b := th[0] - th[1] + 0.02*r.NormFloat64() - 0.4
		return math.Hypot(a, b), 1, nil
	}
	gens, err := ABCSMC(context.Background(), prior, dist, ABCSettings{Particles: 400, Generations: 7, Seed: 1, Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	last := gens[len(gens)-1]
	for _, th := range last.Theta {
		if !prior.Contains(th) {
			t.Fatalf("particle %v outside the prior", th)
		}
	}
	m0, _ := posteriorMeanSD(last, 0)
	m1, _ := posteriorMeanSD(last, 1)
	if math.Abs(m0-0.7) > 0.05 || math.Abs(m1-0.3) > 0.05 {
		t.Errorf("posterior means %.3f %.3f, want 0.7 and 0.3", m0, m1)
	}
}

// The posterior is identical for any number of workers, and resuming from
// the first generations gives the same later ones.
func TestABCDeterministic(t *testing.T) {
	prior := Box{Lo: []float64{-5}, Hi: []float64{5}}
	run := func(workers int, resume []*ABCGeneration, gens int) []*ABCGeneration {
		out, err := ABCSMC(context.Background(), prior, normalMean(5, 0.5),
			ABCSettings{Particles: 100, Generations: gens, Seed: 7, Workers: workers, Resume: resume})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	one := run(1, nil, 4)
	if four := run(4, nil, 4); !reflect.DeepEqual(one, four) {
		t.Error("1 and 4 workers give different posteriors")
	}
	if resumed := run(2, one[:2], 4); !reflect.DeepEqual(one, resumed) {
		t.Error("resuming after generation 1 gives a different posterior")
	}
	other, _ := ABCSMC(context.Background(), prior, normalMean(5, 0.5), ABCSettings{Particles: 100, Generations: 2, Seed: 8})
	if reflect.DeepEqual(one[1].Theta, other[1].Theta) {
		t.Error("seeds 7 and 8 give the same particles")
	}
}

// Parameter recovery on the toy model: for truths drawn from the prior,
// the posterior's central 90 % interval covers the truth in at least 80 %
// of repetitions (exact coverage would be 90 %; the allowance is for ABC's
// tolerance and 30 repetitions).
func TestABCRecoveryToy(t *testing.T) {
	const reps, n = 30, 10
	prior := Box{Lo: []float64{-3}, Hi: []float64{3}}
	r := rng.New(11, rng.KindDesign, 0)
	covered := 0
	for rep := range reps {
		truth := -2 + 4*r.Float64()
		var s float64
		for range n {
			s += truth + r.NormFloat64()
		}
		gens, err := ABCSMC(context.Background(), prior, normalMean(n, s/n),
			ABCSettings{Particles: 300, Generations: 6, Seed: uint64(rep), Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		q := gens[len(gens)-1].WeightedQuantiles(0, 0.05, 0.95)
		if truth >= q[0] && truth <= q[1] {
			covered++
		}
	}
	if covered < reps*8/10 {
		t.Errorf("90 %% intervals cover the truth in %d of %d repetitions, want >= 80 %%", covered, reps)
	}
	t.Logf("coverage %d/%d", covered, reps)
}

// The kernel mixture density equals distmv.Normal's.
func TestABCKernelDensity(t *testing.T) {
	prev := &ABCGeneration{
		Theta:   [][]float64{{0.1, 0.2}, {0.4, 0.1}, {0.3, 0.5}, {0.9, 0.7}},
		Weights: []float64{0.1, 0.2, 0.3, 0.4},
	}
	prior := Box{Lo: []float64{0, 0}, Hi: []float64{1, 1}}
	k, err := newABCKernel(prev, prior)
	if err != nil {
		t.Fatal(err)
	}
	var cov mat.SymDense
	k.chol.ToSym(&cov)
	x := []float64{0.35, 0.4}
	var want float64
	for j, th := range prev.Theta {
		nrm, ok := distmv.NewNormal(th, &cov, nil)
		if !ok {
			t.Fatal("covariance not positive definite")
		}
		want += prev.Weights[j] * math.Exp(nrm.LogProb(x))
	}
	if got := math.Exp(k.logMixture(x)); math.Abs(got-want) > 1e-9*want {
		t.Errorf("mixture density %g, distmv gives %g", got, want)
	}
}

func TestWeightedQuantile(t *testing.T) {
	for _, c := range []struct {
		xs, ws []float64
		p      float64
		want   float64
	}{
		{[]float64{3, 1, 2}, []float64{1, 1, 1}, 0.5, 2},
		{[]float64{3, 1, 2}, []float64{0.1, 0.1, 0.8}, 0.5, 2},
		{[]float64{3, 1, 2}, []float64{0.8, 0.1, 0.1}, 0.5, 3},
		{[]float64{0, 0, 5}, []float64{1, 1, 1}, 0.5, 0},
	} {
		if got := weightedQuantile(c.xs, c.ws, c.p); got != c.want {
			t.Errorf("weightedQuantile(%v, %v, %g) = %g, want %g", c.xs, c.ws, c.p, got, c.want)
		}
	}
}
