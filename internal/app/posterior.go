package app

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/rinsim/rinsim/internal/experiment"
	"github.com/rinsim/rinsim/internal/report"
	"github.com/rinsim/rinsim/scenarios"
	"github.com/rinsim/rinsim/sim"
)

var posteriorFlag = &cli.StringFlag{Name: "posterior", Usage: "posterior.csv `FILE` of rinsim calibrate: replication r runs with a parameter vector drawn from its last generation by weight (seeded from r, the same in every scenario)"}

// loadPosterior reads --posterior FILE and checks it against s; nil, nil
// when path is empty. The record names the file and the SHA-256 of the
// bytes read, for the manifest.
func loadPosterior(path string, s *scenarios.Scenario) (*sim.Posterior, *report.PosteriorFile, error) {
	if path == "" {
		return nil, nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("--posterior: %w", err)
	}
	defer f.Close()
	// Streamed, hashed on the way, and cut off past maxPosteriorBytes: the
	// largest posterior.csv calibrate's limits allow (every generation of
	// 10,000,000 runs' particles) is about 3 GB, and only the last
	// generation is kept.
	p, sum, err := readPosterior(f, maxPosteriorBytes)
	if err != nil {
		return nil, nil, fmt.Errorf("--posterior %s: %w", path, err)
	}
	if err := p.Check(s); err != nil {
		return nil, nil, fmt.Errorf("--posterior %s: %w", path, err)
	}
	rec := &report.PosteriorFile{File: path, SHA256: sum, Particles: len(p.Theta), Keys: p.Keys}
	return p, rec, nil
}

// readPosterior loads a posterior of at most limit bytes from r and
// returns it with the SHA-256 of its bytes.
func readPosterior(r io.Reader, limit int64) (*sim.Posterior, string, error) {
	h := sha256.New()
	in := &io.LimitedReader{R: r, N: limit + 1}
	p, err := sim.LoadPosterior(io.TeeReader(in, h))
	if in.N == 0 {
		return nil, "", fmt.Errorf("larger than %d bytes, the limit for a posterior file", limit)
	}
	if err != nil {
		return nil, "", err
	}
	return p, hex.EncodeToString(h.Sum(nil)), nil
}

// maxPosteriorBytes is the largest --posterior file read.
const maxPosteriorBytes = 4 << 30

// posteriorText is a report's paragraph on parameters drawn from p; points
// names what shares a replication's draw.
func posteriorText(p *report.PosteriorFile, points string) string {
	return fmt.Sprintf("**Parameter uncertainty.** Replication r ran with a parameter vector (%s) drawn by weight from the last generation "+
		"(%d particles) of the calibration posterior `%s` (SHA-256 `%.12s`), seeded from r's seed. Every %s of replication r used "+
		"the same draw (its own overrides win over it), so differences stay paired and intervals carry parameter uncertainty as well "+
		"as noise (approximate Bayesian computation: Toni et al. 2009; Beaumont et al. 2009).",
		strings.Join(p.Keys, ", "), p.Particles, p.File, p.SHA256, points)
}

// rankAcc finds, per replication (a posterior draw), the scenario with the
// most entries per member over all members (pooled over networks).
type rankAcc struct {
	d                *sim.Design
	entries, members [][]float64 // [point][rep]
	epmCol, memCol   int
	grpCol           int
}

func newRankAcc(d *sim.Design) *rankAcc {
	h := experiment.RunsHeader([]string{"scenario"})
	a := &rankAcc{d: d}
	a.epmCol, _ = report.Column(h, "entries_per_member", "runs.csv")
	a.memCol, _ = report.Column(h, "members", "runs.csv")
	a.grpCol, _ = report.Column(h, "group", "runs.csv")
	for range d.Points {
		a.entries = append(a.entries, make([]float64, d.Reps))
		a.members = append(a.members, make([]float64, d.Reps))
	}
	return a
}

func (a *rankAcc) add(j sim.Job, rows [][]string) {
	for _, row := range rows {
		if row[a.grpCol] != "member" {
			continue
		}
		m, e := cell(row[a.memCol]), cell(row[a.epmCol])
		if m > 0 && e == e {
			a.entries[j.Point][j.Rep] += e * m
			a.members[j.Point][j.Rep] += m
		}
	}
}

// shares returns, per point, the share of replications in which it ranks
// first (ties to the earlier point).
func (a *rankAcc) shares() []float64 {
	out := make([]float64, len(a.d.Points))
	for r := range a.d.Reps {
		best, bestV := -1, 0.0
		for p := range a.d.Points {
			if v := a.entries[p][r] / a.members[p][r]; best < 0 || v > bestV {
				best, bestV = p, v
			}
		}
		out[best] += 1 / float64(a.d.Reps)
	}
	return out
}

func (a *rankAcc) write(w io.Writer) error {
	sh := a.shares()
	return report.WriteRows(w, []string{"scenario", "share_first", "draws"}, func(emit func([]string) error) error {
		for p, pt := range a.d.Points {
			if err := emit([]string{pt.Label, report.Num(sh[p]), itoa(a.d.Reps)}); err != nil {
				return err
			}
		}
		return nil
	})
}

func (a *rankAcc) print(w io.Writer) {
	sh := a.shares()
	idx := make([]int, len(sh))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return sh[idx[i]] > sh[idx[j]] })
	fmt.Fprintf(w, "\nRanks first in entries per member (all members) over %d posterior draws:\n", a.d.Reps)
	for _, p := range idx {
		if sh[p] > 0 {
			fmt.Fprintf(w, "  %-32s %5.1f %%\n", a.d.Points[p].Label, 100*sh[p])
		}
	}
}

// text is the report's paragraph on the posterior draws and the ranking.
func (a *rankAcc) text(path string, p *sim.Posterior) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**Parameter uncertainty.** Replication r ran with a parameter vector drawn by weight from the last generation of "+
		"the calibration posterior `%s` (%d particles; %s), seeded from r, so every scenario of replication r used the same draw "+
		"and the intervals carry parameter uncertainty as well as noise (approximate Bayesian computation: Toni et al. 2009; "+
		"Beaumont et al. 2009). Ranks first in entries per member (all members) over the %d draws:", path, len(p.Theta),
		strings.Join(p.Keys, ", "), a.d.Reps)
	sh := a.shares()
	for i, pt := range a.d.Points {
		if sh[i] > 0 {
			fmt.Fprintf(&b, " %s %.0f %%;", pt.Label, 100*sh[i])
		}
	}
	return strings.TrimSuffix(b.String(), ";") + "."
}
