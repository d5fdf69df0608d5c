package sim

import (
	"math"
	"testing"
)

// FuzzParseFactor: a spec is refused or gives a factor within the
// parameter's range whose every grid value --set accepts as written.
func FuzzParseFactor(f *testing.F) {
	for _, s := range []string{"peer.seek_prob=0:0.6:4", "funding.scale=0.5:2", "network.cwn.stream.arena.to=2012:2016:3",
		"funding.scale=1e-3:1e1:7", "firm.step_rate=0:1:1", "funding.scale=:", "x=1:2:3:4"} {
		f.Add(s, true)
		f.Add(s, false)
	}
	s, err := thesisForFuzz()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, spec string, grid bool) {
		fac, err := ParseFactor(spec, s, grid)
		if err != nil {
			return
		}
		p, err := s.Param(fac.Key)
		if err != nil {
			t.Fatalf("accepted key %q is unknown: %v", fac.Key, err)
		}
		if !(fac.Lo <= fac.Hi) || fac.Lo < p.Min || fac.Hi > p.Max || fac.N < 1 {
			t.Fatalf("accepted %q as %+v outside %s", spec, fac, p.Range())
		}
		if fac.N > 50 {
			return // a large grid says nothing more, and takes long
		}
		c := s.Clone()
		for _, v := range Grid([]Factor{fac}) {
			if v[0] < fac.Lo || v[0] > fac.Hi || fac.Int && v[0] != math.Trunc(v[0]) {
				t.Fatalf("%q: grid value %v outside [%v, %v] or not an integer", spec, v[0], fac.Lo, fac.Hi)
			}
			if err := c.Set(fac.Key, fac.Format(v[0])); err != nil {
				t.Fatalf("%q: --set refuses the grid value %s: %v", spec, fac.Format(v[0]), err)
			}
		}
	})
}
