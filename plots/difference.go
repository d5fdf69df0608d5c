package plots

import (
	"regexp"
	"slices"
	"strings"
)

// differenceMetrics are the compare.csv metrics drawn as changes from the
// baseline: both are per member, so they share an axis.
var differenceMetrics = []struct{ metric, name string }{
	{"entries_per_member", "entries/member"},
	{"entrant_share", "entrant share"},
}

// DifferenceFromBaseline is one scenario's paired change from the baseline
// per network, as bars with their 95 % intervals, from compare.csv.
func DifferenceFromBaseline(cmp *Table, scenario string) Figure {
	si, ni, gi, mi := cmp.Col("scenario"), cmp.Col("network"), cmp.Col("group"), cmp.Col("metric")
	di, lo, hi := cmp.Col("diff"), cmp.Col("diff_ci_low"), cmp.Col("diff_ci_high")
	f := Figure{Name: "diff-" + FileName(scenario), Kind: Bars,
		Title:  "Change from the baseline: " + scenario + " (95 % intervals)",
		XLabel: "network (members)", YLabel: "change from the baseline"}
	for _, r := range cmp.Rows {
		if r[si] == scenario && r[gi] == "member" && !slices.Contains(f.Categories, r[ni]) {
			f.Categories = append(f.Categories, r[ni])
		}
	}
	for _, dm := range differenceMetrics {
		s := Series{Name: dm.name}
		for _, n := range f.Categories {
			for _, r := range cmp.Rows {
				if r[si] == scenario && r[gi] == "member" && r[ni] == n && r[mi] == dm.metric {
					d := nanTo(num(r[di]), 0)
					s.X, s.Y = append(s.X, float64(len(s.X))), append(s.Y, d)
					s.Lo, s.Hi = append(s.Lo, nanTo(num(r[lo]), d)), append(s.Hi, nanTo(num(r[hi]), d))
				}
			}
		}
		f.Series = append(f.Series, s)
	}
	return f
}

// Differences is DifferenceFromBaseline for every scenario of compare.csv
// but the baseline, in file order: built-in and custom scenarios alike.
func Differences(cmp *Table) []Figure {
	si := cmp.Col("scenario")
	var names []string
	for _, r := range cmp.Rows {
		if r[si] != "baseline" && !slices.Contains(names, r[si]) {
			names = append(names, r[si])
		}
	}
	figs := make([]Figure, len(names))
	for k, n := range names {
		figs[k] = DifferenceFromBaseline(cmp, n)
	}
	return figs
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// FileName makes a scenario label safe as a file name: other characters
// (spaces, slashes) become '_'.
func FileName(label string) string {
	return strings.Trim(unsafeName.ReplaceAllString(label, "_"), ".")
}
