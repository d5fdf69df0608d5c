package plots

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const patternsCSV = `pattern,source,statistic,target_low,target_high,value,ci_low,ci_high,verdict
abroad,"EIM (2010), Brussels",share_abroad_end,0.35,0.6,0.8668,0.8615,0.872,outside
engaged,thesis,attendance_per_year,12,NA,3.93,3.67,4.2,outside
eea,EIM,share_entering_outside_eea,NA,0.2,0.1,0.05,0.15,within
medtech,thesis,share_ambitious,0.25,0.35,NA,NA,NA,inconclusive
`

// TestPatternBands: the figure has one row per pattern, open edges as
// infinities, a missing value as NaN, and each row's scale holds its band's
// finite edges and its interval.
func TestPatternBands(t *testing.T) {
	tab, err := ParseTable(patternsCSV)
	if err != nil {
		t.Fatal(err)
	}
	f := PatternBands(tab)
	if f.Kind != BandRows || len(f.Bands) != 4 {
		t.Fatalf("kind %v with %d rows, want BandRows with 4", f.Kind, len(f.Bands))
	}
	b := f.Bands
	if b[0].Low != 0.35 || b[0].High != 0.6 || b[0].Value != 0.8668 || b[0].Verdict != "outside" {
		t.Errorf("row 0: %+v", b[0])
	}
	if !math.IsInf(b[1].High, 1) || b[1].Low != 12 || !math.IsInf(b[2].Low, -1) {
		t.Errorf("open edges: %+v %+v", b[1], b[2])
	}
	if !math.IsNaN(b[3].Value) {
		t.Errorf("missing value read as %v", b[3].Value)
	}
	for _, r := range b {
		lo, hi := r.Range()
		for _, x := range []float64{r.Low, r.High, r.CILo, r.CIHi} {
			if !math.IsInf(x, 0) && !math.IsNaN(x) && (x <= lo || x >= hi) {
				t.Errorf("%s: %v outside its scale [%v, %v]", r.Label, x, lo, hi)
			}
		}
	}
}

// TestPatternBandsSaveAndFromDir: plot finds patterns.csv in a folder and
// saves the figure as PNG and SVG, taller than the default with many rows.
func TestPatternBandsSaveAndFromDir(t *testing.T) {
	dir := t.TempDir()
	rows := strings.Repeat("x,s,share_abroad_end,0.35,0.6,0.5,0.45,0.55,within\n", 20)
	text := patternsCSV[:strings.Index(patternsCSV, "\n")+1] + rows
	if err := os.WriteFile(filepath.Join(dir, "patterns.csv"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	figs, err := FromDir(dir)
	if err != nil || len(figs) != 1 || figs[0].Name != "patterns" {
		t.Fatalf("FromDir: %v, %d figures", err, len(figs))
	}
	if h := figs[0].bandsHeight(); h <= Height {
		t.Errorf("20 rows in %v, not taller than the default %v", h, Height)
	}
	paths, err := figs[0].Save(dir)
	if err != nil || len(paths) != 2 {
		t.Fatalf("Save: %v %v", paths, err)
	}
	svg, _ := os.ReadFile(paths[1])
	if !bytes.Contains(svg, []byte("within")) {
		t.Error("SVG lacks the verdicts")
	}
}
