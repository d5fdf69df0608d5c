package sim

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/rinsim/rinsim/model"
	"github.com/rinsim/rinsim/scenarios"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Docking (Axtell, Axelrod, Epstein and Cohen 1996, "Aligning simulation
// models"): a speed-up may change the random streams, but not the model.
// The reference file holds every summary measure of every network of
// dockingRuns runs of a frozen copy of the thesis scenario, as produced by
// the model before the speed-ups; the test reruns the same seeds with the
// current model and compares each measure's distribution with a two-sample
// Kolmogorov-Smirnov test and Welch's t test. Regenerate the reference only
// when the model's rules change on purpose, and say so in the commit:
//
//	go test ./sim -run TestDocking -docking.update
var dockingUpdate = flag.Bool("docking.update", false, "rewrite testdata/docking/reference.csv from the current model")

const (
	dockingRuns = 300
	// dockingAlpha is the chance, over all the measures and both tests
	// together, that an unchanged model fails (Bonferroni).
	dockingAlpha = 1e-3
	dockingRef   = "testdata/docking/reference.csv"
)

// dockingSample is one run's summary measures, named network/measure.
type dockingSample map[string]float64

// dockingMeasures flattens a run's summaries into named measures (the
// columns of summary.csv, per network and group).
func dockingMeasures(sums []Summary) dockingSample {
	out := dockingSample{}
	for _, s := range sums {
		p := s.Network + "/" + s.Group.String() + "/"
		out[p+"entrant_share"] = s.EntrantShare
		out[p+"entries_per_member"] = s.EntriesPerMember
		out[p+"mean_quarters_to_first_entry"] = s.MeanQuartersToFirstEntry
		out[p+"participation_rate"] = s.ParticipationRate
		out[p+"rin_contact_share"] = s.RINContactShare
		out[p+"peer_shares_per_member"] = s.PeerSharesPerMember
		out[p+"mean_first_entry_distance"] = s.MeanFirstEntryDistance
		out[p+"channels"] = float64(s.Channels)
		out[p+"max_channels"] = float64(s.MaxChannels)
		out[p+"mean_channels"] = s.MeanChannels
		out[p+"funding_total_nok"] = s.FundingNOK
		out[p+"fte_end"] = s.FTEEnd
		out[p+"mean_general_knowledge"] = s.MeanGeneral
		out[p+"markets_per_member"] = s.MarketsPerMember
		for src, c := range s.Contacts {
			out[p+"contacts_"+model.Source(src).String()] = float64(c)
		}
	}
	return out
}

// dockingSamples runs seeds 1..dockingRuns of s on all CPUs.
func dockingSamples(t *testing.T, s *scenarios.Scenario) []dockingSample {
	out := make([]dockingSample, dockingRuns)
	errs := make([]error, dockingRuns)
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for r := range next {
				res, err := Run(context.Background(), s, uint64(r+1), nil)
				if err != nil {
					errs[r] = err
					continue
				}
				out[r] = dockingMeasures(Summarize(res))
			}
		})
	}
	for r := range dockingRuns {
		next <- r
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func dockingScenario(t *testing.T) *scenarios.Scenario {
	s, err := scenarios.Load(filepath.Join("testdata", "docking", "scenario.toml"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestDocking: the current model gives the reference distributions of every
// summary measure.
func TestDocking(t *testing.T) {
	if testing.Short() {
		t.Skip("docking runs 300 runs")
	}
	got := dockingSamples(t, dockingScenario(t))
	if *dockingUpdate {
		writeDocking(t, got)
		return
	}
	ref := readDocking(t)
	if fails := dock(ref, got); len(fails) > 0 {
		for _, f := range fails {
			t.Error(f)
		}
		t.Fatalf("%d measures do not dock with %s; if the rules changed on purpose, regenerate it (see the test's comment)", len(fails), dockingRef)
	}
}

// TestDockingDetectsChange: the test has power. A model whose firms take
// commitment steps 30 % more often (firm.step_rate) must fail it; that
// moves the entries per member of the largest network by about 8 standard
// errors. (At 15 % the smallest p-value is near the level: changes smaller
// than that in the main outcomes can pass unseen.)
func TestDockingDetectsChange(t *testing.T) {
	if testing.Short() {
		t.Skip("docking runs 300 runs")
	}
	s := dockingScenario(t)
	s.Firm.StepRate *= 1.3
	if fails := dock(readDocking(t), dockingSamples(t, s)); len(fails) == 0 {
		t.Fatal("a 30 % higher step rate docks with the reference; the test cannot see a changed model")
	}
}

// dock compares two sets of runs measure by measure and returns the
// measures whose distributions differ.
func dock(ref, got []dockingSample) []string {
	names := dockingNames(ref)
	if !slices.Equal(names, dockingNames(got)) {
		return []string{fmt.Sprintf("measures differ: reference %v, now %v", names, dockingNames(got))}
	}
	level := dockingAlpha / float64(2*len(names))
	var fails []string
	for _, name := range names {
		x, y := column(ref, name), column(got, name)
		if len(x) != len(y) && (len(x) == 0 || len(y) == 0) {
			fails = append(fails, fmt.Sprintf("%s: defined in %d reference runs, %d now", name, len(x), len(y)))
			continue
		}
		if len(x) == 0 {
			continue
		}
		d, pks := ksTest(x, y)
		pt := welchTest(x, y)
		if pks < level || pt < level {
			fails = append(fails, fmt.Sprintf("%s: mean %.4g -> %.4g, KS D=%.3f p=%.2g, Welch p=%.2g (level %.2g)",
				name, stat.Mean(x, nil), stat.Mean(y, nil), d, pks, pt, level))
		}
	}
	return fails
}

func dockingNames(runs []dockingSample) []string {
	var names []string
	for name := range runs[0] {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// column is one measure over the runs, leaving out runs where it is
// undefined (NaN: no entrant).
func column(runs []dockingSample, name string) []float64 {
	var xs []float64
	for _, r := range runs {
		if v := r[name]; !math.IsNaN(v) {
			xs = append(xs, v)
		}
	}
	return xs
}

// ksTest is the two-sample Kolmogorov-Smirnov statistic and its asymptotic
// p-value (Stephens' correction; Press et al., Numerical Recipes, 14.3). Ties
// make it conservative, which is the safe side here.
func ksTest(x, y []float64) (d, p float64) {
	x, y = slices.Sorted(slices.Values(x)), slices.Sorted(slices.Values(y))
	i, j := 0, 0
	for i < len(x) && j < len(y) {
		v := min(x[i], y[j])
		for i < len(x) && x[i] == v {
			i++
		}
		for j < len(y) && y[j] == v {
			j++
		}
		d = max(d, math.Abs(float64(i)/float64(len(x))-float64(j)/float64(len(y))))
	}
	ne := float64(len(x)*len(y)) / float64(len(x)+len(y))
	lambda := (math.Sqrt(ne) + 0.12 + 0.11/math.Sqrt(ne)) * d
	return d, kolmogorovQ(lambda)
}

// kolmogorovQ is P(K > lambda) for the Kolmogorov distribution.
func kolmogorovQ(lambda float64) float64 {
	if lambda < 0.2 {
		return 1
	}
	sum, sign := 0.0, 1.0
	for k := 1; k <= 100; k++ {
		term := sign * 2 * math.Exp(-2*float64(k*k)*lambda*lambda)
		sum += term
		if math.Abs(term) < 1e-12 {
			break
		}
		sign = -sign
	}
	return min(max(sum, 0), 1)
}

// welchTest is the two-sided p-value of Welch's t test of equal means. Two
// constant samples are equal (p=1) or different (p=0).
func welchTest(x, y []float64) float64 {
	mx, vx := stat.MeanVariance(x, nil)
	my, vy := stat.MeanVariance(y, nil)
	sx, sy := vx/float64(len(x)), vy/float64(len(y))
	if sx+sy == 0 {
		if mx == my {
			return 1
		}
		return 0
	}
	tv := (mx - my) / math.Sqrt(sx+sy)
	df := (sx + sy) * (sx + sy) / (sx*sx/float64(len(x)-1) + sy*sy/float64(len(y)-1))
	return 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Survival(math.Abs(tv))
}

// writeDocking writes one row per run, one column per measure, in %g with
// full precision.
func writeDocking(t *testing.T, runs []dockingSample) {
	names := dockingNames(runs)
	f, err := os.Create(dockingRef)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	_ = w.Write(append([]string{"seed"}, names...))
	for r, run := range runs {
		row := []string{strconv.Itoa(r + 1)}
		for _, name := range names {
			row = append(row, strconv.FormatFloat(run[name], 'g', -1, 64))
		}
		_ = w.Write(row)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s: %d runs, %d measures", dockingRef, len(runs), len(names))
}

func readDocking(t *testing.T) []dockingSample {
	f, err := os.Open(dockingRef)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var runs []dockingSample
	for _, row := range rows[1:] {
		run := dockingSample{}
		for c, name := range rows[0][1:] {
			v, err := strconv.ParseFloat(row[c+1], 64)
			if err != nil {
				t.Fatalf("%s: %s: %v", dockingRef, name, err)
			}
			run[name] = v
		}
		runs = append(runs, run)
	}
	return runs
}
