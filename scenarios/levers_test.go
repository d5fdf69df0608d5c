package scenarios

import (
	"fmt"
	"strings"
	"testing"
)

// Stream windows of the thesis scenario (scenarios/builtin/thesis.toml):
// Oslo Medtech arena 2009-2014 at 3.5 M NOK, nce 2015-2016 at 7 M NOK; CWN
// vri 2007-2008, arena 2009-2014; the run ends 2016Q4.
func TestStreamLevers(t *testing.T) {
	tests := []struct {
		name     string
		set      string
		stream   [2]string
		from, to int
		nok      float64
	}{
		{"off before start: never pays", "network.oslo-medtech.stream.nce.off_from=2015", [2]string{"oslo-medtech", "nce"}, 2015, 2016, 0},
		{"off inside the window: ends a year earlier", "network.oslo-medtech.stream.arena.off_from=2012", [2]string{"oslo-medtech", "arena"}, 2009, 2011, 3.5e6},
		{"off after the window: unchanged", "network.cwn.stream.vri.off_from=2010", [2]string{"cwn", "vri"}, 2007, 2008, 6e5},
		{"on right after the window: kept to the end", "network.cwn.stream.arena.on_from=2015", [2]string{"cwn", "arena"}, 2009, 2016, 2.5e6},
		{"on before the window: starts earlier", "network.oslo-medtech.stream.nce.on_from=2013", [2]string{"oslo-medtech", "nce"}, 2013, 2016, 7e6},
		{"spaces around the year", "network.cwn.stream.arena.on_from= 2012 ", [2]string{"cwn", "arena"}, 2009, 2016, 2.5e6},
		// CWN never had NCE: on_from adds it at Oslo Medtech's NCE amount.
		{"a programme the network lacks", "network.cwn.stream.nce.on_from=2015", [2]string{"cwn", "nce"}, 2015, 2016, 7e6},
		{"on the year after the window", "network.cwn.stream.vri.on_from=2009", [2]string{"cwn", "vri"}, 2007, 2016, 6e5},
		{"a programme copied from the first network with it", "network.oslo-medtech.stream.interreg.on_from=2012", [2]string{"oslo-medtech", "interreg"}, 2012, 2016, 8e5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := thesis(t)
			if err := s.Resolve([]string{tt.set}, "thesis"); err != nil {
				t.Fatalf("Resolve(%s): %v", tt.set, err)
			}
			st, err := s.stream("network." + tt.stream[0] + ".stream." + tt.stream[1])
			if err != nil {
				t.Fatal(err)
			}
			if st.From != tt.from || st.To != tt.to || st.NOKPerYear != tt.nok {
				t.Errorf("%s: stream %d-%d at %v NOK/year, want %d-%d at %v", tt.set, st.From, st.To, st.NOKPerYear, tt.from, tt.to, tt.nok)
			}
		})
	}
}

func TestStreamLeverErrors(t *testing.T) {
	tests := []struct {
		set  string
		want []string
	}{
		{"network.cwn.stream.nce.off_from=2015", []string{"network cwn has no stream \"nce\"", "vri, arena, innovation_express, vestfold"}},
		{"network.cwn.stream.nope.on_from=2015", []string{"network cwn has no stream \"nope\"", "on_from adds a programme", "vri, arena, nce"}},
		{"network.cwn.stream.nce.on_from=2020", []string{"2020 is after the end of the run 2016Q4"}},
		{"network.cwn.stream.county.on_from=2012", []string{`network cwn has its county programme as stream "vestfold": use network.cwn.stream.vestfold.on_from`}},
		{"network.nope.stream.arena.off_from=2015", []string{"unknown network \"nope\"", "oreec, oslo-medtech, cwn"}},
		{"network.cwn.stream.arena.off_from=soon", []string{"network.cwn.stream.arena.off_from", `"soon" is not a year`, "[1900, 2200]"}},
		{"network.cwn.stream.arena.on_from=2020", []string{"2020 is after the end of the run 2016Q4"}},
		{"network.cwn.stream.vri.on_from=2012", []string{"gap after the stream's last year 2008", "network.cwn.stream.vri.from=2012 and network.cwn.stream.vri.to=2016"}},
		// The question of issue 11 asked with `to`: the error names the lever.
		{"network.oslo-medtech.stream.nce.to=2014", []string{"2014 is before from 2015", "network.oslo-medtech.stream.nce.off_from=YEAR"}},
	}
	for _, tt := range tests {
		t.Run(tt.set, func(t *testing.T) {
			err := thesis(t).Resolve([]string{tt.set}, "thesis")
			if err == nil {
				t.Fatalf("Resolve(%s) succeeded", tt.set)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func ExampleScenario_Set_offFrom() {
	s, err := Builtin("thesis")
	if err != nil {
		panic(err)
	}
	// Oslo Medtech loses its NCE programme in 2015, the year it would start.
	if err := s.Set("network.oslo-medtech.stream.nce.off_from", "2015"); err != nil {
		panic(err)
	}
	p, err := s.Param("network.oslo-medtech.stream.nce.nok_per_year")
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Key, "=", p.String())
	// Output: network.oslo-medtech.stream.nce.nok_per_year = 0
}
