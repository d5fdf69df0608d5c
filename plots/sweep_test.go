package plots

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/rinsim/rinsim/scenarios"
)

// sweepRuns builds a runs.csv of the given design points (values per key),
// two networks and two replications; the outcome is the first value plus
// 0.1 per network index plus 0.01 per replication.
func sweepRuns(t *testing.T, keys []string, points [][]float64) *Table {
	var b strings.Builder
	fmt.Fprintf(&b, "point,%s,rep,seed,network,members,group,entrant_share\n", strings.Join(keys, ","))
	for p, vals := range points {
		var vs []string
		for _, v := range vals {
			vs = append(vs, fmt.Sprint(v))
		}
		for rep := range 2 {
			for n, net := range []string{"oreec", "cwn"} {
				fmt.Fprintf(&b, "p%d,%s,%d,1,%s,10,member,%v\n", p, strings.Join(vs, ","), rep, net, vals[0]+0.1*float64(n)+0.01*float64(rep))
			}
		}
	}
	return table(t, b.String())
}

func TestSweepFigureKindFollowsDesign(t *testing.T) {
	label := ScenarioLabels(mustThesis(t))
	for _, c := range []struct {
		name   string
		keys   []string
		points [][]float64
		want   Kind
	}{
		{"one key: line with bands", []string{"funding.scale"}, [][]float64{{0}, {1}, {2}}, Lines},
		{"grid: heatmap", []string{"funding.scale", "peer.seek_prob"}, [][]float64{{0, 0}, {1, 0}, {0, 1}, {1, 1}}, Heatmap},
		{"Latin hypercube: coloured scatter", []string{"funding.scale", "peer.seek_prob"}, [][]float64{{0.1, 0.7}, {0.5, 0.2}, {0.9, 0.4}}, ColourScatter},
		{"three keys: panels", []string{"funding.scale", "peer.seek_prob", "firm.step_rate"}, [][]float64{{0.1, 0.7, 0.2}, {0.5, 0.2, 0.3}, {0.9, 0.4, 0.1}}, Panels},
	} {
		f := SweepFigure(sweepRuns(t, c.keys, c.points), "entrant_share", label)
		if f.Kind != c.want {
			t.Errorf("%s: kind %d, want %d", c.name, f.Kind, c.want)
			continue
		}
		if _, err := f.Save(t.TempDir()); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		switch f.Kind {
		case Lines:
			if len(f.Series) != 2 || f.Series[0].Name != "OREEC" || !f.Series[0].hasInterval() || f.Series[0].Len() != 3 {
				t.Errorf("%s: series %+v, want one per network with 95 %% bands", c.name, f.Series)
			}
			// OREEC at funding.scale 1: replications 1.00 and 1.01.
			if math.Abs(f.Series[0].Y[1]-1.005) > 1e-12 {
				t.Errorf("%s: OREEC at 1 = %v, want 1.005", c.name, f.Series[0].Y[1])
			}
			if !strings.Contains(f.XLabel, "multiplier") || !strings.Contains(f.XLabel, "funding") {
				t.Errorf("%s: x label %q, want the key's unit and description", c.name, f.XLabel)
			}
		case ColourScatter:
			// Point 1: networks 0.5 and 0.6 (equal members), replications +0 and +0.01.
			if len(f.Cloud.Z) != 3 || math.Abs(f.Cloud.Z[1]-0.555) > 1e-12 {
				t.Errorf("%s: colours %v, want the members' mean per point, 0.555 for the second", c.name, f.Cloud.Z)
			}
		case Panels:
			if len(f.Panels) != 3 || !f.Panels[1].Series[0].Dots || f.Panels[1].XLabel != "peer.seek_prob (1/quarter)" {
				t.Errorf("%s: panels %+v, want one per key with the design points", c.name, f.Panels)
			}
		}
	}
}

func mustThesis(t *testing.T) *scenarios.Scenario {
	t.Helper()
	s, err := scenarios.Builtin("thesis")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestPerPointOverTimeKeepsPointsApart: sweep --steps gives one line per
// design point in each network's panel, never one line pooling the points.
func TestPerPointOverTimeKeepsPointsApart(t *testing.T) {
	steps := table(t, `point,funding.scale,rep,seed,quarter,network,group,firms,entrant_share
p0,0.5,0,1,2007Q1,oreec,member,10,0.1
p0,0.5,1,1,2007Q1,oreec,member,10,0.3
p1,2,0,1,2007Q1,oreec,member,10,0.6
p1,2,1,1,2007Q1,oreec,member,10,0.8
p0,0.5,0,1,2007Q1,cwn,member,10,0.0
p1,2,0,1,2007Q1,cwn,member,10,0.5`)
	f := PerPointOverTime(steps, "fig1-entrant-share", "entrant_share", "t", "y")
	if len(f.Panels) != 2 || f.Panels[0].Title != "OREEC" {
		t.Fatalf("panels %+v, want one per network", f.Panels)
	}
	s := f.Panels[0].Series
	if len(s) != 2 || s[0].Name != "funding.scale = 0.5" || s[0].Y[0] != 0.2 || s[1].Y[0] != 0.7 {
		t.Errorf("OREEC series %+v, want 0.2 at funding.scale 0.5 and 0.7 at 2, not their pooled 0.45", s)
	}
	if _, err := f.Save(t.TempDir()); err != nil {
		t.Fatal(err)
	}
}

func TestShortDoc(t *testing.T) {
	for _, c := range []struct{ doc, want string }{
		{"policy lever: multiplies every network's public funding (policy scenarios such as +50 % or -50 %)", "multiplies every network's public funding"},
		{"exponent on (1-risk) in the commitment probability; Uppsala: perceived risk holds back commitment (T2.1)", "exponent on (1-risk) in the commitment probability"},
		{"last year, inclusive", "last year, inclusive"},
		{"psychic distance to Norway (T2.1; T5.1 'not necessary for Sweden')", "psychic distance to Norway"},
	} {
		if got := shortDoc(c.doc); got != c.want {
			t.Errorf("shortDoc(%q) = %q, want %q", c.doc, got, c.want)
		}
	}
}
