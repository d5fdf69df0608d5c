package plots

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func table(t *testing.T, text string) *Table {
	t.Helper()
	tb, err := ParseTable(strings.TrimSpace(text) + "\n")
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

// steps: two networks, two quarters, two replications, plus a comparison row
// that must be ignored.
const stepsCSV = `rep,network,group,quarter,firms,entrant_share,channels,peer_shares,stage_export,stage_agent
0,a,member,2007Q1,10,0.1,2,1,3,0
1,a,member,2007Q1,10,0.3,2,3,5,1
0,a,member,2007Q2,10,0.2,2,0,4,1
1,a,member,2007Q2,10,0.4,2,2,6,1
0,b,member,2007Q2,5,0.5,1,1,2,0
1,b,member,2007Q2,5,0.5,1,1,2,0
0,a,comparison,2007Q1,4,0.9,0,0,9,9`

func TestEntrantShareOverTimeAveragesReplications(t *testing.T) {
	f := EntrantShareOverTime(table(t, stepsCSV))
	if len(f.Series) != 2 {
		t.Fatalf("%d series, want one per network (comparison rows ignored)", len(f.Series))
	}
	a := f.Series[0]
	if a.Name != "a" || a.Len() != 2 || a.X[0] != 2007 || a.X[1] != 2007.25 {
		t.Fatalf("series a = %+v, want 2 points at 2007 and 2007.25", a)
	}
	if math.Abs(a.Y[0]-0.2) > 1e-12 || math.Abs(a.Y[1]-0.3) > 1e-12 {
		t.Errorf("means %v, want [0.2 0.3]", a.Y)
	}
	// Two values 0.1 and 0.3: sd = 0.1414, t(0.975, 1) = 12.706.
	if half := a.Hi[0] - a.Y[0]; math.Abs(half-12.7062*0.1414214/math.Sqrt2) > 1e-3 {
		t.Errorf("band half-width %v, want the Student-t interval", half)
	}
	if b := f.Series[1]; b.Len() != 1 || b.Lo[0] != b.Y[0] {
		t.Errorf("series b = %+v: identical replications give a zero-width band", b)
	}
}

func TestStagesOverTimePerMember(t *testing.T) {
	f := StagesOverTime(table(t, stepsCSV))
	if len(f.Series) != 2 || f.Series[0].Name != "export" || f.Series[1].Name != "agent" {
		t.Fatalf("series %v, want one per stage column", f.Series)
	}
	// 2007Q2: export markets (4+6+2+2) over firms (10+10+5+5) = 14/30.
	if got := f.Series[0].Y[1]; math.Abs(got-14.0/30) > 1e-12 {
		t.Errorf("export per member in 2007Q2 = %v, want %v", got, 14.0/30)
	}
}

func TestContactsBySourceGroupsChannels(t *testing.T) {
	firms := table(t, `firm,group,archetype,contacts_rin_info,contacts_rin_cross_rin,contacts_rin_joint_stand,contacts_rin_network_project,contacts_rin_embassy,contacts_rin_survey,contacts_rin_mentoring,contacts_business_network,contacts_social_network,contacts_other_channels,contacts_inbound,contacts_peer
0,member,novice,1,1,0,0,1,0,0,0,0,0,0,1
1,member,novice,0,0,0,0,1,0,0,2,0,0,0,1
2,member,experienced,0,0,0,0,0,0,0,10,4,0,0,0
3,comparison,novice,0,0,0,0,0,0,0,50,0,0,0,0`)
	f := ContactsBySource(firms)
	if len(f.Categories) != 2 || f.Categories[0] != "experienced" || f.Categories[1] != "novice" {
		t.Fatalf("categories %v, want the member archetypes sorted", f.Categories)
	}
	if len(f.Series) != 6 {
		t.Fatalf("%d source groups, want 6", len(f.Series))
	}
	rin, business := f.Series[0], f.Series[1]
	if rin.Y[1] != 2 || rin.Y[0] != 0 || business.Y[1] != 1 || business.Y[0] != 10 {
		t.Errorf("network channels %v, business %v; want novices 2 and 1, experienced 0 and 10", rin.Y, business.Y)
	}
}

func TestUppsalaPathByEntryOrder(t *testing.T) {
	entries := table(t, `firm,order,psychic_distance,counted
0,1,0.1,true
0,2,0.3,true
1,1,0.2,true
1,2,0.5,false
2,7,0.9,true`)
	f := UppsalaPath(entries)
	s := f.Series[0]
	if s.Len() != 3 || s.X[0] != 1 || s.X[2] != 5 {
		t.Fatalf("x = %v, want orders 1, 2 and 5+ (order 7 grouped as 5)", s.X)
	}
	if math.Abs(s.Y[0]-0.15) > 1e-12 || s.Y[1] != 0.3 || s.Y[2] != 0.9 {
		t.Errorf("y = %v, want [0.15 0.3 0.9] (uncounted entry ignored)", s.Y)
	}
}

const compareCSV = `scenario,network,group,metric,mean,ci_low,ci_high,n,diff,diff_ci_low,diff_ci_high,n_pairs
baseline,a,member,entrant_share,0.5,0.4,0.6,3,0,0,0,3
baseline,a,member,mean_channels,3,3,3,3,0,0,0,3
baseline,a,member,peer_shares_per_member,0.3,0.2,0.4,3,0,0,0,3
a-x0.5,a,member,entrant_share,0.4,0.3,0.5,3,-0.1,-0.2,0,3
a-x0.5,a,member,mean_channels,1,1,1,3,0,0,0,3
a-x0.5,a,member,peer_shares_per_member,0.5,0.4,0.6,3,0,0,0,3
a-x2,a,member,entrant_share,0.7,0.6,0.8,3,0.2,0.1,0.3,3
a-x2,b,member,entrant_share,0.1,0.1,0.1,3,0,0,0,3
cwn-keeps-arena,a,member,entrant_share,0.9,0.9,0.9,3,0,0,0,3`

func TestDoseResponseUsesOwnNetworksMultipliers(t *testing.T) {
	f := DoseResponse(table(t, compareCSV), "entrant_share")
	if len(f.Series) != 1 {
		t.Fatalf("%d series, want network a only (b has no baseline dose of its own)", len(f.Series))
	}
	s := f.Series[0]
	if s.Len() != 3 || s.X[0] != 0.5 || s.X[1] != 1 || s.X[2] != 2 || s.Y[2] != 0.7 || s.Lo[0] != 0.3 {
		t.Errorf("dose-response %+v, want x [0.5 1 2], y ending 0.7", s)
	}
}

func TestSharingVsChannelsByBudget(t *testing.T) {
	f := SharingVsChannelsByBudget(table(t, compareCSV))
	s := f.Series[0]
	if s.Len() != 2 || s.X[0] != 1 || s.X[1] != 3 || s.Y[0] != 0.5 || s.Y[1] != 0.3 {
		t.Errorf("series %+v, want (1, 0.5) and (3, 0.3) sorted by channels", s)
	}
}

func TestSweepHeatmapWeightsByMembers(t *testing.T) {
	runs := table(t, `point,x,y,rep,seed,network,members,group,entrant_share
p0,0,10,0,1,a,10,member,0.2
p0,0,10,0,1,b,30,member,0.6
p1,1,10,0,1,a,10,member,0.4
p2,0,20,0,1,a,10,member,0.1
p2,0,20,0,1,a,10,comparison,0.9`)
	f := SweepFigure(runs, "entrant_share", KeyLabel)
	g := f.Grid
	if c, r := g.Dims(); c != 2 || r != 2 {
		t.Fatalf("grid %dx%d, want 2x2", c, r)
	}
	if got := g.Z(0, 0); math.Abs(got-0.5) > 1e-12 {
		t.Errorf("cell (0,10) = %v, want members-weighted (10*0.2+30*0.6)/40 = 0.5", got)
	}
	if !math.IsNaN(g.Z(1, 1)) {
		t.Errorf("cell (1,20) has no runs and should be NaN, got %v", g.Z(1, 1))
	}
}

func TestSensitivityBarsShowMuStarOrSobol(t *testing.T) {
	idx := table(t, `method,outcome,network,param,index,estimate,ci_low,ci_high
morris,entrant_share,all,a,mu_star,0.3,0.2,0.4
morris,entrant_share,all,a,mu,0.3,NA,NA
morris,entrant_share,all,a,sigma,0.1,NA,NA
morris,entrant_share,all,b,mu_star,0.1,0.05,0.2`)
	f := SensitivityBars(idx)
	if len(f.Series) != 1 || f.Series[0].Name != "mu*" || len(f.Categories) != 2 || f.Series[0].Y[1] != 0.1 {
		t.Errorf("figure %+v, want mu* bars for a and b", f)
	}
}

// TestSaveWritesPNGAndSVG renders one figure of every kind.
func TestSaveWritesPNGAndSVG(t *testing.T) {
	dir := t.TempDir()
	steps := table(t, stepsCSV)
	cmp := table(t, compareCSV)
	figs := []Figure{EntrantShareOverTime(steps), DoseResponse(cmp, "entrant_share"), SharingVsChannels(steps),
		{Name: "bars", Kind: Bars, Categories: []string{"x", "y"}, Series: []Series{{Name: "s", X: []float64{0, 1}, Y: []float64{1, 2}, Lo: []float64{0.5, 1.5}, Hi: []float64{1.5, 2.5}}}},
		{Name: "heat", Kind: Heatmap, Grid: &Grid{Xs: []float64{0, 1}, Ys: []float64{0, 1}, Zs: [][]float64{{0, 1}, {2, 3}}}, ZLabel: "z"},
	}
	for _, f := range figs {
		paths, err := f.Save(dir)
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		for _, p := range paths {
			if st, err := os.Stat(p); err != nil || st.Size() < 1000 {
				t.Errorf("%s: missing or tiny (%v)", p, err)
			}
		}
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".*")); len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

func TestFromDirNeedsOutputs(t *testing.T) {
	if _, err := FromDir(t.TempDir()); err == nil {
		t.Error("an empty folder gave figures")
	}
}

// A table that is a link to a device is refused, not read without end.
func TestFromDirRefusesDevices(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	dir := t.TempDir()
	if err := os.Symlink("/dev/zero", filepath.Join(dir, "steps.csv")); err != nil {
		t.Skip(err)
	}
	if _, err := FromDir(dir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("steps.csv -> /dev/zero: %v", err)
	}
}

func TestScalingFigure(t *testing.T) {
	f := Scaling(table(t, `smes,workers,ns_per_sme
1000,1,300
1000000,1,310
1000000,2,160`))
	if !f.LogLog || len(f.Series) != 2 || f.Series[0].Len() != 2 || f.Series[1].Y[0] != 160 {
		t.Errorf("scaling figure %+v: want log-log, one series per worker count", f)
	}
	if _, err := f.Save(t.TempDir()); err != nil {
		t.Fatal(err)
	}
}

func TestDifferencesDrawEveryScenario(t *testing.T) {
	cmp := table(t, `scenario,network,group,metric,mean,ci_low,ci_high,n,diff,diff_ci_low,diff_ci_high,n_pairs
baseline,a,member,entries_per_member,1,0.9,1.1,4,0,0,0,4
baseline,b,member,entries_per_member,2,1.9,2.1,4,0,0,0,4
my cut/2,a,member,entries_per_member,0.8,0.7,0.9,4,-0.2,-0.3,-0.1,4
my cut/2,a,member,entrant_share,0.4,0.3,0.5,4,-0.05,-0.08,-0.02,4
my cut/2,b,member,entries_per_member,2,1.9,2.1,4,0,0,0,4
my cut/2,b,member,entrant_share,0.5,0.4,0.6,4,NA,NA,NA,0
my cut/2,b,comparison,entrant_share,0.5,0.4,0.6,4,9,9,9,4`)
	figs := Differences(cmp)
	if len(figs) != 1 || figs[0].Name != "diff-my_cut_2" {
		t.Fatalf("figures %v, want one for the custom scenario, with a safe file name", figs)
	}
	f := figs[0]
	if !slices.Equal(f.Categories, []string{"a", "b"}) || len(f.Series) != 2 {
		t.Fatalf("categories %v, %d series; want networks a, b and two metrics", f.Categories, len(f.Series))
	}
	epm, share := f.Series[0], f.Series[1]
	if !slices.Equal(epm.Y, []float64{-0.2, 0}) || !slices.Equal(epm.Lo, []float64{-0.3, 0}) {
		t.Errorf("entries per member %+v, want the diff and its interval per network", epm)
	}
	// NA (no pairs) is drawn as no change, never as the comparison row's 9.
	if !slices.Equal(share.Y, []float64{-0.05, 0}) {
		t.Errorf("entrant share %v, want [-0.05 0]", share.Y)
	}
	if _, err := f.Plot(); err != nil {
		t.Fatal(err)
	}
}

func TestMorrisMuSigma(t *testing.T) {
	idx := table(t, `method,outcome,network,param,param2,index,estimate,ci_low,ci_high,warning
morris,entrant_share,all,a,,mu_star,0.3,0.2,0.4,
morris,entrant_share,all,a,,mu,0.3,NA,NA,
morris,entrant_share,all,a,,sigma,0.1,NA,NA,
morris,entrant_share,all,b,,mu_star,0.1,0.05,0.2,
morris,entrant_share,all,b,,mu,-0.02,NA,NA,
morris,entrant_share,all,b,,sigma,0.15,NA,NA,`)
	f := MorrisMuSigma(idx)
	s := f.Series[0]
	if s.Len() != 2 || s.X[0] != 0.3 || s.Y[1] != 0.15 || s.XLo[1] != 0.05 || !slices.Equal(s.Labels, []string{"a", "b"}) {
		t.Errorf("series %+v, want (mu*, sigma) per parameter with mu* intervals and labels", s)
	}
	if len(f.Refs) != 3 {
		t.Errorf("%d reference lines, want sigma/mu* = 0.1, 0.5, 1", len(f.Refs))
	}
	if _, err := f.Save(t.TempDir()); err != nil {
		t.Fatal(err)
	}
}
