package sim

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"

	"golang.org/x/sync/errgroup"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distmv"

	"github.com/rinsim/rinsim/internal/rng"
)

// ABC-SMC: approximate Bayesian computation by sequential Monte Carlo
// (Toni et al. 2009, Algorithm 4; Beaumont et al. 2009). A population of
// particles (parameter vectors with importance weights) moves from the
// prior towards the posterior through generations with falling
// tolerances:
//
//   - generation 0 samples the prior and accepts every particle (tolerance
//     +Inf);
//   - generation t's tolerance is the Quantile (default 0.5) of generation
//     t-1's distances, weighted;
//   - a proposal picks a particle of generation t-1 by weight and perturbs
//     it with a multivariate normal kernel whose covariance is twice the
//     weighted covariance of generation t-1 (Beaumont et al. 2009); a
//     perturbation outside the prior (or rejected by Valid) is discarded and
//     the particle picked again, so the proposal density is the kernel
//     mixture restricted to the prior's support, up to a constant;
//   - a proposal is accepted when its simulated distance is at most the
//     tolerance; its weight is prior(theta) / sum_j w_j K(theta | theta_j).
//
// Determinism: proposal j of generation t draws from its own stream
// (rng.KindABC, derived from the seed, t and j): the particle it perturbs,
// every attempt at a perturbation inside the prior, and the seed of its
// simulations. Proposals are evaluated in batches of a size that depends
// only on earlier results, in parallel, and accepted in index order, so the
// posterior is the same for any number of workers.

// Box is a uniform prior on a box: parameter k in [Lo[k], Hi[k]].
type Box struct{ Lo, Hi []float64 }

// Dim is the number of parameters.
func (b Box) Dim() int { return len(b.Lo) }

// Contains reports whether theta lies in the box (edges included).
func (b Box) Contains(theta []float64) bool {
	for k, x := range theta {
		if !(x >= b.Lo[k] && x <= b.Hi[k]) {
			return false
		}
	}
	return true
}

// LogDensity is the log prior density inside the box.
func (b Box) LogDensity() float64 {
	var s float64
	for k := range b.Lo {
		s -= math.Log(b.Hi[k] - b.Lo[k])
	}
	return s
}

// DistanceFunc simulates the model at theta with the given seed and returns
// the distance of its output to the targets, and the model runs it took. It
// may stop early once the distance is known to exceed eps and then return
// any value above eps. It must not keep theta.
type DistanceFunc func(ctx context.Context, theta []float64, seed uint64, eps float64) (dist float64, runs int, err error)

// ABCSettings configure ABCSMC.
type ABCSettings struct {
	Particles   int     // particles per generation
	Generations int     // generations, generation 0 (the prior) included
	Quantile    float64 // of the previous distances that sets the tolerance; 0 means 0.5
	Seed        uint64
	Workers     int // parallel proposals; 0 means 1
	// MaxProposals bounds the proposals of one generation; 0 means
	// 50 * Particles. A generation that reaches it ends the calibration
	// early (ErrABCStalled).
	MaxProposals int
	// Valid, if set, rejects parameter vectors inside the box that the model
	// cannot run (the prior is uniform on the valid part of the box).
	Valid func(theta []float64) bool
	// Resume continues after these finished generations (from a checkpoint).
	Resume []*ABCGeneration
	// Done, if set, is called after each generation (to write a checkpoint).
	Done func(g *ABCGeneration) error
	// Progress, if set, is called after each batch with the generation, the
	// particles accepted so far in it and the particles wanted.
	Progress func(gen, accepted, particles int)
}

// ABCGeneration is one population.
type ABCGeneration struct {
	Index     int
	Tolerance float64     // +Inf for generation 0
	Theta     [][]float64 // accepted particles
	Weights   []float64   // normalised importance weights
	Distances []float64
	Proposals int // proposals simulated (accepted or not), the last batch included
	Runs      int // model runs of all proposals
	Attempts  int // perturbations drawn, those outside the prior included
}

// AcceptanceRate is accepted particles over simulated proposals.
func (g *ABCGeneration) AcceptanceRate() float64 {
	return float64(len(g.Theta)) / float64(g.Proposals)
}

// ESS is the effective sample size of the weights, 1 / sum w^2 (Kish).
func (g *ABCGeneration) ESS() float64 {
	var s float64
	for _, w := range g.Weights {
		s += w * w
	}
	return 1 / s
}

// ErrABCStalled is returned (with the generations finished) when a
// generation needs more than MaxProposals proposals.
var ErrABCStalled = errors.New("abc: acceptance too low; generation stopped at --max proposals")

const maxAttempts = 1_000_000 // perturbations per proposal before giving up

// ABCSMC runs the calibration and returns every generation, the prior
// sample first. If the error is ErrABCStalled, the generations returned are
// the complete ones.
func ABCSMC(ctx context.Context, prior Box, dist DistanceFunc, s ABCSettings) ([]*ABCGeneration, error) {
	if s.Particles < 2 || s.Generations < 1 {
		return nil, fmt.Errorf("abc: %d particles, %d generations; want at least 2 and 1", s.Particles, s.Generations)
	}
	if s.Quantile == 0 {
		s.Quantile = 0.5
	}
	if s.MaxProposals == 0 {
		s.MaxProposals = 50 * s.Particles
	}
	s.Workers = max(s.Workers, 1)
	gens := append([]*ABCGeneration(nil), s.Resume...)
	for t := len(gens); t < s.Generations; t++ {
		var g *ABCGeneration
		var err error
		if t == 0 {
			g, err = abcPrior(ctx, prior, dist, &s)
		} else {
			g, err = abcStep(ctx, prior, dist, &s, gens[t-1], t)
		}
		if err != nil {
			return gens, err
		}
		gens = append(gens, g)
		if s.Done != nil {
			if err := s.Done(g); err != nil {
				return gens, err
			}
		}
	}
	return gens, nil
}

// proposal is one proposal's parameter vector and outcome.
type proposal struct {
	theta    []float64
	dist     float64
	runs     int
	attempts int
}

// abcStreams are the proposal stream and simulation seed of proposal j of
// generation t.
func abcStream(seed uint64, t, j int) (uint64, uint64) {
	g := rng.Derive(seed, rng.KindABC, uint64(t))
	return g, rng.Derive(g, rng.KindABC, uint64(j)+1<<32) % (MaxSeed + 1)
}

func abcPrior(ctx context.Context, prior Box, dist DistanceFunc, s *ABCSettings) (*ABCGeneration, error) {
	draw := func(j int) (proposal, error) {
		gs, _ := abcStream(s.Seed, 0, j)
		r := rng.New(gs, rng.KindABC, uint64(j))
		theta := make([]float64, prior.Dim())
		for a := 1; a <= maxAttempts; a++ {
			for k := range theta {
				theta[k] = prior.Lo[k] + r.Float64()*(prior.Hi[k]-prior.Lo[k])
			}
			if s.Valid == nil || s.Valid(theta) {
				return proposal{theta: theta, attempts: a}, nil
			}
		}
		return proposal{}, fmt.Errorf("abc: %d prior draws, none valid", maxAttempts)
	}
	g := &ABCGeneration{Index: 0, Tolerance: math.Inf(1)}
	ps, err := abcBatch(ctx, 0, 0, s.Particles, math.Inf(1), draw, dist, s)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		g.Theta = append(g.Theta, p.theta)
		g.Distances = append(g.Distances, p.dist)
		g.Weights = append(g.Weights, 1/float64(s.Particles))
		g.Runs += p.runs
		g.Attempts += p.attempts
	}
	g.Proposals = s.Particles
	if s.Progress != nil {
		s.Progress(0, s.Particles, s.Particles)
	}
	return g, nil
}

// abcBatch draws and simulates proposals from..from+n-1 of generation t in
// parallel and returns them in index order.
func abcBatch(ctx context.Context, t, from, n int, eps float64, draw func(j int) (proposal, error),
	dist DistanceFunc, s *ABCSettings) ([]proposal, error) {
	out := make([]proposal, n)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(s.Workers)
	for i := range n {
		g.Go(func() (err error) {
			defer recoverInternal(&err)
			if err := gctx.Err(); err != nil {
				return err
			}
			p, err := draw(from + i)
			if err != nil {
				return err
			}
			_, simSeed := abcStream(s.Seed, t, from+i)
			p.dist, p.runs, err = dist(gctx, p.theta, simSeed, eps)
			out[i] = p
			return err
		})
	}
	return out, g.Wait()
}

// abcKernel is the perturbation kernel of a generation: a multivariate
// normal with twice the weighted covariance of the previous particles.
type abcKernel struct {
	chol   mat.Cholesky
	whiten [][]float64 // previous particles multiplied by L^-1
	logW   []float64   // log weights of the previous particles
	cum    []float64   // cumulative weights, for picking a particle
	logC   float64     // log normalising constant of the kernel
}

func newABCKernel(prev *ABCGeneration, prior Box) (*abcKernel, error) {
	n, d := len(prev.Theta), prior.Dim()
	x := mat.NewDense(n, d, nil)
	for i, th := range prev.Theta {
		x.SetRow(i, th)
	}
	// stat.CovarianceMatrix treats weights as frequencies (it divides by
	// their sum minus 1), so they are scaled to sum to n.
	w := make([]float64, n)
	for i, v := range prev.Weights {
		w[i] = v * float64(n)
	}
	var cov mat.SymDense
	stat.CovarianceMatrix(&cov, x, w)
	cov.ScaleSym(2, &cov)
	k := &abcKernel{}
	if !k.chol.Factorize(&cov) {
		// A degenerate population (a parameter that stopped varying): add a
		// small variance relative to the prior's width.
		for j := range d {
			width := prior.Hi[j] - prior.Lo[j]
			cov.SetSym(j, j, cov.At(j, j)+1e-8*width*width)
		}
		if !k.chol.Factorize(&cov) {
			return nil, errors.New("abc: particle covariance is not positive definite")
		}
	}
	k.logC = -0.5*float64(d)*math.Log(2*math.Pi) - 0.5*k.chol.LogDet()
	k.whiten = make([][]float64, n)
	for i, th := range prev.Theta {
		k.whiten[i] = k.whitened(th)
	}
	k.logW = make([]float64, n)
	k.cum = make([]float64, n)
	var c float64
	for i, v := range prev.Weights {
		k.logW[i] = math.Log(v)
		c += v
		k.cum[i] = c
	}
	return k, nil
}

// whitened returns L^-1 theta, where the kernel covariance is L L^T.
func (k *abcKernel) whitened(theta []float64) []float64 {
	var l mat.TriDense
	k.chol.LTo(&l)
	var u mat.VecDense
	if err := u.SolveVec(&l, mat.NewVecDense(len(theta), append([]float64(nil), theta...))); err != nil {
		panic("sim: abc kernel: " + err.Error())
	}
	return u.RawVector().Data
}

// logMixture is log sum_j w_j K(theta | theta_j): the same density as
// distmv.Normal{theta_j, Sigma}.LogProb, computed on whitened vectors so
// that the n^2 terms cost O(d) each.
func (k *abcKernel) logMixture(theta []float64) float64 {
	u := k.whitened(theta)
	terms := make([]float64, len(k.whiten))
	for j, v := range k.whiten {
		var q float64
		for a := range u {
			e := u[a] - v[a]
			q += e * e
		}
		terms[j] = k.logW[j] + k.logC - 0.5*q
	}
	return floats.LogSumExp(terms)
}

// pick returns the index of the particle whose cumulative weight first
// reaches u in [0, 1).
func (k *abcKernel) pick(u float64) int {
	i := sort.SearchFloat64s(k.cum, u*k.cum[len(k.cum)-1])
	return min(i, len(k.cum)-1)
}

func abcStep(ctx context.Context, prior Box, dist DistanceFunc, s *ABCSettings, prev *ABCGeneration, t int) (*ABCGeneration, error) {
	eps := weightedQuantile(prev.Distances, prev.Weights, s.Quantile)
	k, err := newABCKernel(prev, prior)
	if err != nil {
		return nil, err
	}
	draw := func(j int) (proposal, error) {
		gs, _ := abcStream(s.Seed, t, j)
		src := rng.Source(gs, rng.KindABC, uint64(j))
		r := rng.New(gs, rng.KindABCPick, uint64(j))
		theta := make([]float64, prior.Dim())
		for a := 1; a <= maxAttempts; a++ {
			i := k.pick(r.Float64())
			distmv.NormalRand(theta, prev.Theta[i], &k.chol, src)
			if prior.Contains(theta) && (s.Valid == nil || s.Valid(theta)) {
				return proposal{theta: theta, attempts: a}, nil
			}
		}
		return proposal{}, fmt.Errorf("abc: generation %d: %d perturbations, none inside the prior (too many parameters for the kernel?)", t, maxAttempts)
	}
	g := &ABCGeneration{Index: t, Tolerance: eps}
	rate := prev.AcceptanceRate()
	for len(g.Theta) < s.Particles {
		if g.Proposals >= s.MaxProposals {
			return nil, fmt.Errorf("%w: generation %d accepted %d of %d proposals at tolerance %g",
				ErrABCStalled, t, len(g.Theta), g.Proposals, eps)
		}
		need := s.Particles - len(g.Theta)
		n := abcBatchSize(need, rate, s.Particles, s.MaxProposals-g.Proposals)
		ps, err := abcBatch(ctx, t, g.Proposals, n, eps, draw, dist, s)
		if err != nil {
			return nil, err
		}
		accepted := 0
		for _, p := range ps {
			g.Runs += p.runs
			g.Attempts += p.attempts
			if p.dist <= eps && len(g.Theta) < s.Particles {
				g.Theta = append(g.Theta, p.theta)
				g.Distances = append(g.Distances, p.dist)
				accepted++
			}
		}
		g.Proposals += n
		rate = max(float64(accepted), 0.5) / float64(n)
		if s.Progress != nil {
			s.Progress(t, len(g.Theta), s.Particles)
		}
	}
	g.Weights = abcWeights(g.Theta, k, prior)
	return g, nil
}

// abcBatchSize is the next batch: the proposals that should give the
// particles still needed at the last acceptance rate, at least 32 (a batch
// keeps every worker busy) and at most 4 generations' worth. It depends on
// earlier results only, never on the number of workers.
func abcBatchSize(need int, rate float64, particles, left int) int {
	n := int(math.Ceil(float64(need) / max(rate, 1e-3)))
	return max(min(n, 4*particles, left), min(32, left))
}

// abcWeights are the normalised importance weights prior(theta_i) /
// sum_j w_j K(theta_i | theta_j), computed in logs.
func abcWeights(theta [][]float64, k *abcKernel, prior Box) []float64 {
	logw := make([]float64, len(theta))
	for i, th := range theta {
		logw[i] = prior.LogDensity() - k.logMixture(th)
	}
	z := floats.LogSumExp(logw)
	w := make([]float64, len(theta))
	for i, l := range logw {
		w[i] = math.Exp(l - z)
	}
	return w
}

// weightedQuantile is the weighted empirical p-quantile of xs.
func weightedQuantile(xs, ws []float64, p float64) float64 {
	idx := make([]int, len(xs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return xs[idx[a]] < xs[idx[b]] })
	x, w := make([]float64, len(xs)), make([]float64, len(xs))
	for k, i := range idx {
		x[k], w[k] = xs[i], ws[i]
	}
	return stat.Quantile(p, stat.Empirical, x, w)
}

// WeightedQuantiles returns the weighted empirical quantiles ps of
// parameter k over a generation.
func (g *ABCGeneration) WeightedQuantiles(k int, ps ...float64) []float64 {
	xs := make([]float64, len(g.Theta))
	for i, th := range g.Theta {
		xs[i] = th[k]
	}
	out := make([]float64, len(ps))
	for a, p := range ps {
		out[a] = weightedQuantile(xs, g.Weights, p)
	}
	return out
}
