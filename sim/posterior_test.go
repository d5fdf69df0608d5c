package sim

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/rinsim/rinsim/scenarios"
)

func TestLoadPosterior(t *testing.T) {
	for _, c := range []struct {
		name, text string
		want       string // error substring; "" ok
		n          int
	}{
		{"last generation kept", "generation,weight,distance,firm.step_rate\n0,0.5,1,0.1\n0,0.5,1,0.2\n1,0.25,0.5,0.3\n1,0.75,0.5,0.4\n", "", 2},
		{"weights normalised", "generation,weight,distance,firm.step_rate\n0,2,1,0.1\n0,6,1,0.2\n", "", 2},
		{"not a posterior", "a,b,c,d\n", "line 1", 0},
		{"no parameters", "generation,weight,distance\n", "line 1", 0},
		{"bad number", "generation,weight,distance,firm.step_rate\n0,0.5,1,x\n", "line 2, column firm.step_rate", 0},
		{"decreasing generation", "generation,weight,distance,firm.step_rate\n1,0.5,1,0.1\n0,0.5,1,0.1\n", "line 3", 0},
		{"negative weight", "generation,weight,distance,firm.step_rate\n0,-1,1,0.1\n", "negative weight", 0},
		{"no weight", "generation,weight,distance,firm.step_rate\n0,0,1,0.1\n", "positive weight", 0},
	} {
		p, err := LoadPosterior(strings.NewReader(c.text))
		switch {
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want == "" && len(p.Theta) != c.n:
			t.Errorf("%s: %d particles, want %d", c.name, len(p.Theta), c.n)
		}
		if c.name == "weights normalised" && err == nil && (p.Weights[0] != 0.25 || p.Weights[1] != 0.75) {
			t.Errorf("weights %v, want 0.25 0.75", p.Weights)
		}
	}
}

// Draws follow the weights, depend only on the master seed and the
// replication, and a particle of weight 0 is never drawn.
func TestPosteriorDraw(t *testing.T) {
	p, err := LoadPosterior(strings.NewReader("generation,weight,distance,firm.step_rate\n0,0,1,0.1\n0,0.2,1,0.2\n0,0.8,1,0.3\n"))
	if err != nil {
		t.Fatal(err)
	}
	counts := make([]int, 3)
	for r := range 2000 {
		i := p.Draw(1, r)
		if i != p.Draw(1, r) {
			t.Fatal("the same replication drew two particles")
		}
		counts[i]++
	}
	// 2000 draws at 0.8: 1600 expected, sd 18.
	if counts[0] != 0 || counts[2] < 1500 || counts[2] > 1700 {
		t.Errorf("draws per particle %v, want 0, about 400, about 1600", counts)
	}
	s, _ := scenarios.Builtin("thesis")
	if err := p.Check(s); err != nil {
		t.Error(err)
	}
	bad, _ := LoadPosterior(strings.NewReader("generation,weight,distance,firm.nope\n0,1,1,0.1\n"))
	if err := bad.Check(s); err == nil || !strings.Contains(err.Error(), "firm.nope") {
		t.Errorf("unknown key: %v", err)
	}
}

func FuzzLoadPosterior(f *testing.F) {
	f.Add("generation,weight,distance,firm.step_rate\n0,0.5,1,0.1\n0,0.5,1,0.2\n")
	f.Add("generation,weight,distance,a,b\n0,1,NA,1,2\n1,1,0,3,4\n")
	f.Fuzz(func(t *testing.T, text string) {
		p, err := LoadPosterior(strings.NewReader(text))
		if err != nil {
			return
		}
		var sum float64
		for i, w := range p.Weights {
			if w < 0 || len(p.Theta[i]) != len(p.Keys) {
				t.Fatalf("particle %d: weight %v, %d values for %d keys", i, w, len(p.Theta[i]), len(p.Keys))
			}
			sum += w
		}
		if sum < 0.999999 || sum > 1.000001 {
			t.Fatalf("weights sum to %v", sum)
		}
		_ = p.Draw(1, 0)
	})
}

// Vary gives every claim scenario and negative control of a replication
// the same draw (paired), and a point's own overrides win over it: the
// knockouts keep firm.info_uptake at 0 although the posterior sets it.
func TestPosteriorVaryPairedUnderPointSets(t *testing.T) {
	p, err := LoadPosterior(strings.NewReader("generation,weight,distance,firm.step_rate,firm.info_uptake\n" +
		"0,1,0,0.1,0.3\n0,1,0,0.4,0.6\n0,1,0,0.7,0.9\n"))
	if err != nil {
		t.Fatal(err)
	}
	base, _ := scenarios.Builtin("thesis")
	d := &Design{Base: base, Points: ClaimScenarios(base), Reps: 4, Seed: 4}
	scns, err := d.Scenarios()
	if err != nil {
		t.Fatal(err)
	}
	vary := p.Vary(d.Points)
	value := func(s *scenarios.Scenario, key string) float64 {
		par, err := s.Param(key)
		if err != nil {
			t.Fatal(err)
		}
		x, _ := strconv.ParseFloat(par.String(), 64)
		return x
	}
	rate := map[int]float64{}
	for _, j := range d.Jobs() {
		s, err := vary(j, scns[j.Point])
		if err != nil {
			t.Fatal(err)
		}
		want := p.Theta[p.Draw(d.Seed, j.Rep)]
		if r, ok := rate[j.Rep]; ok && r != value(s, "firm.step_rate") {
			t.Errorf("replication %d: %s runs with step rate %v, another point with %v", j.Rep, d.Points[j.Point].Label, value(s, "firm.step_rate"), r)
		}
		rate[j.Rep] = value(s, "firm.step_rate")
		if rate[j.Rep] != want[0] {
			t.Errorf("replication %d: step rate %v, drawn %v", j.Rep, rate[j.Rep], want[0])
		}
		info := value(s, "firm.info_uptake")
		knocked := slices.Contains(d.Points[j.Point].Set, "firm.info_uptake=0")
		if knocked && info != 0 || !knocked && info != want[1] {
			t.Errorf("%s, replication %d: info uptake %v (knocked out: %v, drawn %v)", d.Points[j.Point].Label, j.Rep, info, knocked, want[1])
		}
	}
	if value(scns[0], "firm.step_rate") != value(base, "firm.step_rate") {
		t.Error("Vary changed the point's scenario in place")
	}
}

// zeros is an endless stream of NUL bytes, like /dev/zero.
type zeros struct{}

func (zeros) Read(b []byte) (int, error) {
	clear(b)
	return len(b), nil
}

// rowsReader yields a header of k parameters, then rows of generation 0
// without end.
type rowsReader struct {
	k    int
	buf  []byte
	head bool
}

func (r *rowsReader) Read(b []byte) (int, error) {
	if len(r.buf) == 0 {
		var line strings.Builder
		if !r.head {
			line.WriteString("generation,weight,distance")
			for j := range r.k {
				fmt.Fprintf(&line, ",p%d", j)
			}
			r.head = true
		} else {
			line.WriteString("0,1,0" + strings.Repeat(",0.5", r.k))
		}
		line.WriteString("\n")
		r.buf = []byte(line.String())
	}
	n := copy(b, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// LoadPosterior stops on input without end: one endless line at the line
// limit, endless rows of one generation at the values limit.
func TestLoadPosteriorBounds(t *testing.T) {
	_, err := LoadPosterior(zeros{})
	if err == nil || !strings.Contains(err.Error(), "longer than") {
		t.Errorf("endless line: %v", err)
	}
	const k = 100
	_, err = LoadPosterior(&rowsReader{k: k})
	want := fmt.Sprintf("line %d: generation 0 has over %d parameter values", MaxPosteriorValues/k+2, MaxPosteriorValues)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("endless generation: %v, want %q", err, want)
	}
}
