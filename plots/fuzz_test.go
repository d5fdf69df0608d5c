package plots

import "testing"

// FuzzParseTable: plot's CSV reader never panics, and a table it accepts
// has the header's columns in every row.
func FuzzParseTable(f *testing.F) {
	f.Add("quarter,network,entrant_share\n2007Q1,cwn,0.5\n2007Q2,cwn,NA\n")
	f.Add("a,b\n1,2\n3")
	f.Add("a\n1\nx\n2\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, text string) {
		tab, err := ParseTable(text)
		if err != nil {
			return
		}
		for _, r := range tab.Rows {
			if len(r) != len(tab.Header) {
				t.Fatalf("row %q has %d fields, header %d", r, len(r), len(tab.Header))
			}
		}
	})
}
