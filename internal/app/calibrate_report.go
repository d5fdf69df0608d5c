package app

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"gonum.org/v1/gonum/stat"

	"github.com/rinsim/rinsim/internal/atomicdir"
	"github.com/rinsim/rinsim/internal/report"
	"github.com/rinsim/rinsim/plots"
	"github.com/rinsim/rinsim/sim"
)

// Identification verdicts: the posterior's central 90 % interval against
// the prior's (0.9 of its width). Pinned down is below the --identified-width
// rule (the parameter takes its posterior median in calibrated.toml),
// narrowed below narrowedWidth, not pinned down otherwise.
const (
	pinned    = "pinned down"
	narrowed  = "narrowed"
	notPinned = "not pinned down"
)

// narrowedWidth is the width ratio below which a posterior counts as
// narrowed: the targets inform the parameter somewhat, not enough to set it.
const narrowedWidth = 0.8

// marginal is one parameter's posterior summary in the last generation.
type marginal struct {
	sim.Factor
	Q05, Median, Q95 float64
	Ratio            float64 // interval width over the prior's 90 % width
	Verdict          string
	Identified       bool    // Ratio below the --identified-width rule
	Value            float64 // in calibrated.toml: the rounded median if identified, else the base value
}

func (r *calibration) last() *sim.ABCGeneration { return r.gens[len(r.gens)-1] }

func (r *calibration) marginals() []marginal {
	g := r.last()
	out := make([]marginal, len(r.cal.Factors))
	for k, f := range r.cal.Factors {
		q := g.WeightedQuantiles(k, 0.05, 0.5, 0.95)
		m := marginal{Factor: f, Q05: q[0], Median: q[1], Q95: q[2]}
		m.Ratio = (q[2] - q[0]) / (0.9 * (f.Hi - f.Lo))
		m.Identified = m.Ratio < r.identified
		switch {
		case m.Identified:
			m.Verdict = pinned
		case m.Ratio < narrowedWidth:
			m.Verdict = narrowed
		default:
			m.Verdict = notPinned
		}
		m.Value = r.baseValue(f.Key)
		if m.Identified {
			m.Value = roundMedian(m.Median, f)
		}
		out[k] = m
	}
	return out
}

// baseValue is key's value in the base scenario (NaN if it has none, which
// NewCalibration's factors rule out).
func (r *calibration) baseValue(key string) float64 {
	p, err := r.cal.Base.Param(key)
	if err != nil {
		return math.NaN()
	}
	return p.Value()
}

// roundMedian rounds a posterior median to 3 significant digits (an
// integer parameter to an integer), as the embedded thesis scenario's
// calibrated values are: the posterior does not know them more precisely.
// A median the rounding would push outside the prior keeps its digits.
func roundMedian(x float64, f sim.Factor) float64 {
	if f.Int {
		return math.Round(x)
	}
	y, err := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 3, 64), 64)
	if err != nil || y < f.Lo || y > f.Hi {
		return x
	}
	return y
}

// split lists the parameters calibrated.toml sets to their medians and
// those it keeps at their base values.
func split(ms []marginal) (set, kept []string) {
	for _, m := range ms {
		if m.Identified {
			set = append(set, m.Key)
		} else {
			kept = append(kept, m.Key)
		}
	}
	return set, kept
}

// keyList writes keys as `a`, `b` and `c`; "none" if there are none.
func keyList(keys []string) string {
	if len(keys) == 0 {
		return "none"
	}
	q := make([]string, len(keys))
	for k, key := range keys {
		q[k] = "`" + key + "`"
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}

// ruleText states the --identified-width rule in words.
func (r *calibration) ruleText() string {
	return fmt.Sprintf("a parameter whose posterior 90 %% interval is narrower than %s of its prior's 90 %% width is identified by the targets and set to its posterior median (3 significant digits); the others keep the base scenario's value (not identified by the target patterns)",
		report.Num(r.identified))
}

func writeCalibration(dir string, r *calibration, m *report.Manifest) error {
	files := map[string]func(io.Writer) error{
		"posterior.csv":   func(w io.Writer) error { return writePosterior(w, r) },
		"generations.csv": func(w io.Writer) error { return writeGenerations(w, r) },
		"calibrated.toml": func(w io.Writer) error { return writeCalibrated(w, r) },
		"targets.toml":    func(w io.Writer) error { _, err := w.Write(r.targets); return err },
		"report.md":       func(w io.Writer) error { return writeCalibrationReport(w, r, m) },
		"manifest.json":   m.Write,
	}
	for _, name := range calibrateFiles {
		if err := atomicdir.WriteFile(filepath.Join(dir, name), files[name]); err != nil {
			return err
		}
	}
	for _, f := range calibrationFigures(r) {
		if _, err := f.Save(dir); err != nil {
			return err
		}
	}
	return saveMarginals(dir, r)
}

func factorKeys(fs []sim.Factor) []string {
	out := make([]string, len(fs))
	for k, f := range fs {
		out[k] = f.Key
	}
	return out
}

// PosteriorHeader starts posterior.csv; the parameters' keys follow.
var posteriorHeader = []string{"generation", "weight", "distance"}

func writePosterior(w io.Writer, r *calibration) error {
	header := append(append([]string{}, posteriorHeader...), factorKeys(r.cal.Factors)...)
	return report.WriteRows(w, header, func(emit func([]string) error) error {
		for _, g := range r.gens {
			for i, th := range g.Theta {
				row := []string{itoa(g.Index), exact(g.Weights[i]), report.Num(g.Distances[i])}
				for _, x := range th {
					row = append(row, exact(x))
				}
				if err := emit(row); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func itoa(n int) string { return fmt.Sprint(n) }

var generationsHeader = []string{"generation", "tolerance", "particles", "proposals", "acceptance_rate", "ess", "runs", "attempts"}

// tolerance writes a generation's tolerance, NA for the prior sample (+Inf).
func tolerance(x float64) string {
	if math.IsInf(x, 1) {
		return "NA"
	}
	return report.Num(x)
}

func writeGenerations(w io.Writer, r *calibration) error {
	return report.WriteRows(w, generationsHeader, func(emit func([]string) error) error {
		for _, g := range r.gens {
			if err := emit([]string{itoa(g.Index), tolerance(g.Tolerance), itoa(len(g.Theta)), itoa(g.Proposals),
				report.Num(g.AcceptanceRate()), report.Num(g.ESS()), itoa(g.Runs), itoa(g.Attempts)}); err != nil {
				return err
			}
		}
		return nil
	})
}

// writeCalibrated writes the base scenario with the identified parameters
// at their posterior medians, its header comments giving the rule and each
// parameter's value, prior and posterior interval.
func writeCalibrated(w io.Writer, r *calibration) error {
	ms := r.marginals()
	values := make([]float64, len(ms))
	for k, m := range ms {
		values[k] = m.Value
	}
	s, err := r.cal.Scenario(values)
	if err != nil {
		return err
	}
	s.Name = r.cal.Base.Name + "-calibrated"
	text, err := s.Encode()
	if err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# %s calibrated by `rinsim calibrate` (ABC-SMC against the target patterns):\n", r.cal.Base.Name)
	fmt.Fprintf(&b, "# %d particles, %d generations, %d replications per proposal, seed %d.\n",
		len(r.last().Theta), len(r.gens), r.reps, r.seed)
	fmt.Fprintf(&b, "# Rule (--identified-width %s): %s.\n", report.Num(r.identified), r.ruleText())
	b.WriteString("# Each calibrated parameter: its value here (posterior median [90 % interval]; uniform prior; interval width / prior's; what the targets say).\n")
	for _, m := range ms {
		p, err := r.cal.Base.Param(m.Key)
		doc := ""
		if err == nil {
			doc = " " + p.Doc
		}
		what := "posterior median"
		if !m.Identified {
			what = "base value kept, not identified by the target patterns"
		}
		fmt.Fprintf(&b, "#   %s = %s, %s (%s [%s, %s]; prior [%s, %s]; width %.2f; %s).%s\n", m.Key, report.Num(m.Value), what,
			report.Num(m.Median), report.Num(m.Q05), report.Num(m.Q95), report.Num(m.Lo), report.Num(m.Hi), m.Ratio, m.Verdict, doc)
	}
	b.WriteString("# Every other value is the base scenario's.\n\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	_, err = w.Write(text)
	return err
}

func printPosterior(w io.Writer, r *calibration) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "parameter\tprior\tmedian [90% interval]\ttargets\tcalibrated.toml")
	for _, m := range r.marginals() {
		what := "median"
		if !m.Identified {
			what = "base value"
		}
		fmt.Fprintf(tw, "%s\t[%s, %s]\t%s [%s, %s]\t%s\t%s %s\n", m.Key, report.Num(m.Lo), report.Num(m.Hi),
			report.Num(m.Median), report.Num(m.Q05), report.Num(m.Q95), m.Verdict, report.Num(m.Value), what)
	}
	tw.Flush()
	g := r.last()
	runs := 0
	for _, x := range r.gens {
		runs += x.Runs
	}
	fmt.Fprintf(w, "\n%d generations of %d particles; last tolerance %s, ESS %.0f; %d model runs; seed %d\n",
		len(r.gens), len(g.Theta), tolerance(g.Tolerance), g.ESS(), runs, r.seed)
}

func writeCalibrationReport(w io.Writer, r *calibration, m *report.Manifest) error {
	var b strings.Builder
	g := r.last()
	runs := 0
	for _, x := range r.gens {
		runs += x.Runs
	}
	fmt.Fprintf(&b, "# rinsim: calibration (ABC-SMC)\n\n")
	fmt.Fprintf(&b, "Scenario `%s` (SHA-256 `%s`), master seed %d; rinsim %s (commit %s).\n\n", m.Scenario, m.ScenarioHash, m.Seed, m.Version, m.Commit)
	fmt.Fprintf(&b, "Command: `%s`\n\n", m.CommandLine)
	if r.stalled != "" {
		fmt.Fprintf(&b, "**Stopped early:** %s. The results below are those of the last complete generation.\n\n", r.stalled)
	}
	b.WriteString("## Method\n\n")
	b.WriteString("Approximate Bayesian computation by sequential Monte Carlo (Toni et al. 2009; Beaumont et al. 2009), as used for individual-based models by van der Vaart et al. (2015). ")
	fmt.Fprintf(&b, "Each parameter has a uniform prior. Generation 0 draws %d particles from the prior; generation t keeps %d proposals whose distance is at most the tolerance, the weighted %s of generation t-1's distances. ", len(g.Theta), len(g.Theta), quantileName(r.quantile))
	b.WriteString("A proposal picks a particle of generation t-1 by weight and perturbs it with a multivariate normal kernel whose covariance is twice the particles' weighted covariance; a perturbation outside the prior is drawn again. ")
	b.WriteString("Its weight is the prior density over the kernel mixture, sum_j w_j K(theta | theta_j). ")
	fmt.Fprintf(&b, "A proposal runs the design points the patterns need (%s) with %d replications each, on common random numbers across the points; ", pointLabels(r.cal.Points()), r.reps)
	b.WriteString("each pattern's statistic is averaged over the replications, and the distance is the root mean square over the patterns of the deviation from the band: 0 inside it, otherwise the gap to the nearest edge divided by the band's width (one-sided bands: by the size of the edge, or 0.1 for an edge at 0, or the pattern's own `scale`). ")
	b.WriteString("Patterns are computed baseline first; a proposal stops as soon as its distance is certain to exceed the tolerance. ")
	b.WriteString("Proposal j of generation t draws from its own random stream (seed, t, j), and proposals are accepted in index order, so the posterior does not depend on the number of workers.\n\n")
	b.WriteString("## Posterior\n\n")
	fmt.Fprintf(&b, "Last generation (%d): median and central 90 %% interval, weighted. **Targets** compares the interval's width with the prior's 90 %% width: %s below %s (the --identified-width rule), %s below %s, otherwise %s (the targets do not inform the parameter: its posterior is as wide as its prior).\n\n",
		g.Index, pinned, report.Num(r.identified), narrowed, report.Num(narrowedWidth), notPinned)
	b.WriteString("| parameter | prior | median | 90 % interval | width / prior | targets | in calibrated.toml |\n|---|---|---|---|---|---|---|\n")
	ms := r.marginals()
	for _, mg := range ms {
		what := "median"
		if !mg.Identified {
			what = "base value"
		}
		fmt.Fprintf(&b, "| `%s` | [%s, %s] | %s | [%s, %s] | %.2f | %s | %s (%s) |\n", mg.Key, report.Num(mg.Lo), report.Num(mg.Hi),
			report.Num(mg.Median), report.Num(mg.Q05), report.Num(mg.Q95), mg.Ratio, mg.Verdict, report.Num(mg.Value), what)
	}
	set, kept := split(ms)
	fmt.Fprintf(&b, "\n**calibrated.toml** applies the rule %s: %s. Set to the posterior median: %s. Kept at the base value: %s.\n",
		"`--identified-width "+report.Num(r.identified)+"`", r.ruleText(), keyList(set), keyList(kept))
	b.WriteString("\n![posterior marginal densities against the uniform priors](marginals.png)\n\n")
	b.WriteString("![the most correlated pairs of parameters in the last generation](pairs.png)\n\n")
	b.WriteString("## Generations\n\n| generation | tolerance | acceptance rate | ESS | proposals | model runs |\n|---|---|---|---|---|---|\n")
	for _, x := range r.gens {
		fmt.Fprintf(&b, "| %d | %s | %s | %.0f | %d | %d |\n", x.Index, tolerance(x.Tolerance), report.Num(x.AcceptanceRate()), x.ESS(), x.Proposals, x.Runs)
	}
	fmt.Fprintf(&b, "\n%d model runs in all. Generation 0's tolerance is unbounded (NA): every prior draw is kept.\n\n", runs)
	b.WriteString("![tolerance by generation](tolerance.png)\n\n")
	b.WriteString("## Targets\n\n| pattern | target | scale of deviation | source |\n|---|---|---|---|\n")
	for _, p := range r.cal.Patterns {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", p.ID, p.Band(), report.Num(sim.PatternScale(p)), mdCell(p.Source))
	}
	b.WriteString("\n## Files\n\n")
	b.WriteString("- `posterior.csv`: every generation's particles: `generation,weight,distance` and each parameter (weights sum to 1 within a generation; values exact).\n")
	b.WriteString("- `generations.csv`: per generation the tolerance, particles, proposals simulated, acceptance rate, effective sample size (1 / sum w^2), model runs and perturbations drawn.\n")
	b.WriteString("- `calibrated.toml`: the base scenario with the identified parameters at their posterior medians and the others at their base values, with the rule and every calibrated parameter's interval in its header; `rinsim run --scenario calibrated.toml`. `--posterior posterior.csv` makes `compare` draw parameters from the last generation instead, the unidentified ones included.\n")
	b.WriteString("- `targets.toml`: the patterns used; `manifest.json`: the resolved base scenario and the command.\n\n")
	fmt.Fprintf(&b, "Proposal j of generation t simulates with replication seeds RepSeed(s, r), where s is derived from master seed %d, t and j (rng.KindABC).\n\n", m.Seed)
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	return report.WriteReferences(w, report.RefThesis, report.RefToni, report.RefBeaumont, report.RefVanDerVaart, report.RefCRN)
}

func pointLabels(ps []sim.Point) string {
	out := make([]string, len(ps))
	for k, p := range ps {
		out[k] = p.Label
	}
	return strings.Join(out, ", ")
}

// calibrationFigures are the most correlated pairs and the tolerance by
// generation (saveMarginals draws the marginals).
func calibrationFigures(r *calibration) []plots.Figure {
	return []plots.Figure{pairsFigure(r), toleranceFigure(r)}
}

func column(g *sim.ABCGeneration, k int) []float64 {
	xs := make([]float64, len(g.Theta))
	for i, th := range g.Theta {
		xs[i] = th[k]
	}
	return xs
}

// weightedDensity is a weighted histogram over [lo, hi] as a density, at
// the bins' centres.
func weightedDensity(xs, ws []float64, lo, hi float64, bins int) ([]float64, []float64) {
	width := (hi - lo) / float64(bins)
	x, y := make([]float64, bins), make([]float64, bins)
	for b := range bins {
		x[b] = lo + (float64(b)+0.5)*width
	}
	var total float64
	for i, v := range xs {
		b := min(max(int((v-lo)/width), 0), bins-1)
		y[b] += ws[i]
		total += ws[i]
	}
	for b := range y {
		y[b] /= total * width
	}
	return x, y
}

// pairsFigure shows up to three pairs with the largest weighted correlation
// in absolute value.
func pairsFigure(r *calibration) plots.Figure {
	g := r.last()
	type pair struct {
		a, b int
		rho  float64
	}
	var ps []pair
	for a := range r.cal.Factors {
		for b := a + 1; b < len(r.cal.Factors); b++ {
			rho := stat.Correlation(column(g, a), column(g, b), g.Weights)
			if math.IsNaN(rho) {
				rho = 0
			}
			ps = append(ps, pair{a, b, rho})
		}
	}
	sort.SliceStable(ps, func(i, j int) bool { return math.Abs(ps[i].rho) > math.Abs(ps[j].rho) })
	f := plots.Figure{Name: "pairs", Title: "Most correlated pairs of parameters in the posterior",
		Note: fmt.Sprintf("generation %d; weighted correlation in each title", g.Index), Kind: plots.Panels}
	for _, p := range ps[:min(3, len(ps))] {
		fa, fb := r.cal.Factors[p.a], r.cal.Factors[p.b]
		f.Panels = append(f.Panels, plots.Figure{Title: fmt.Sprintf("r = %.2f", p.rho), XLabel: fa.Key, YLabel: fb.Key,
			Kind: plots.Scatter, Series: []plots.Series{{Name: "particles", X: column(g, p.a), Y: column(g, p.b), Dots: true}}})
	}
	if len(f.Panels) == 0 { // one parameter: its particles against their distance
		f.Panels = append(f.Panels, plots.Figure{Title: "one parameter", XLabel: r.cal.Factors[0].Key, YLabel: "distance",
			Kind: plots.Scatter, Series: []plots.Series{{Name: "particles", X: column(g, 0), Y: g.Distances, Dots: true}}})
	}
	return f
}

func toleranceFigure(r *calibration) plots.Figure {
	var x, y []float64
	for _, g := range r.gens[1:] {
		x = append(x, float64(g.Index))
		y = append(y, g.Tolerance)
	}
	if len(x) == 0 { // the prior sample only: its median distance
		x, y = []float64{0}, []float64{stat.Quantile(0.5, stat.Empirical, sortedCopy(r.gens[0].Distances), nil)}
	}
	return plots.Figure{Name: "tolerance", Title: "ABC tolerance by generation", Note: "weighted " + quantileName(r.quantile) + " of the previous generation's distances",
		XLabel: "generation", YLabel: "tolerance (RMS deviation from the bands)", Kind: plots.Points,
		Series: []plots.Series{{Name: "tolerance", X: x, Y: y}}}
}

func sortedCopy(xs []float64) []float64 {
	out := append([]float64(nil), xs...)
	sort.Float64s(out)
	return out
}

// quantileName names the tolerance quantile: "median" for 0.5 (the
// default), else "0.3-quantile".
func quantileName(q float64) string {
	if q == 0.5 || q == 0 {
		return "median"
	}
	return report.Num(q) + "-quantile"
}
