package experiment

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"

	"github.com/rinsim/rinsim/sim"
)

// FuzzParseShard: --shard accepts exactly "i/n" with 0 <= i < n, and what it
// accepts prints back as given.
func FuzzParseShard(f *testing.F) {
	for _, s := range []string{"", "0/1", "3/4", "4/4", "-1/2", "1/0", "01/2", "1/2/3", "1 /2", "9223372036854775807/9223372036854775807"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sh, err := ParseShard(s)
		if err != nil {
			return
		}
		if sh.N < 1 || sh.I < 0 || sh.I >= sh.N {
			t.Fatalf("ParseShard(%q) = %v", s, sh)
		}
		if s != "" && sh.String() != s {
			t.Fatalf("ParseShard(%q) prints as %q", s, sh)
		}
	})
}

// FuzzCheckShard: merge's check of a shard's rows never panics on any CSV,
// and what it accepts holds only the shard's own points, every one of them.
func FuzzCheckShard(f *testing.F) {
	f.Add([]byte("point,rep,seed,x\np0,0,S0,1\np0,1,S1,2\np2,0,S0,3\np2,1,S1,4\n"))
	f.Add([]byte("point,rep,seed,x\np1,0,S0,1\n"))
	f.Add([]byte("point,x\np0,1\np2,2\n"))
	f.Add([]byte("a\nb\n"))
	d := DesignInfo{Seed: 1, Reps: 2, Points: []sim.Point{{Label: "p0"}, {Label: "p1"}, {Label: "p2"}}}
	seeds := strings.NewReplacer("S0", seedOf(d, 0), "S1", seedOf(d, 1))
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, err := csv.NewReader(bytes.NewReader([]byte(seeds.Replace(string(data))))).ReadAll()
		if err != nil || len(recs) == 0 {
			return
		}
		got, err := checkShard("runs.csv", recs[0], recs[1:], 0, 2, d)
		if err != nil {
			return
		}
		if len(got) != 2 || got["p0"] == nil || got["p2"] == nil {
			t.Fatalf("accepted points %v, want p0 and p2", got)
		}
	})
}

func seedOf(d DesignInfo, rep int) string { return strconv.FormatUint(sim.RepSeed(d.Seed, rep), 10) }
