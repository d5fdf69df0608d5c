package report

import (
	"fmt"
	"io"
	"math"
	"text/tabwriter"

	"github.com/rinsim/rinsim/sim"
)

// PrintSummary prints the per-network summary table for the terminal.
func PrintSummary(w io.Writer, sums []sim.Summary) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "network\tgroup\tmembers\tchannels\tentrant share\tentries/member\tquarters to 1st entry\tparticipation\tpeer shares/member\t")
	for _, s := range sums {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.3f\t%.2f\t%s\t%.3f\t%.2f\t\n", s.Network, s.Group, s.Members,
			s.Channels, s.EntrantShare, s.EntriesPerMember, fixed(s.MeanQuartersToFirstEntry, 1),
			s.ParticipationRate, s.PeerSharesPerMember)
	}
	return tw.Flush()
}

// Fixed formats x with prec decimals, NA for NaN, for terminal tables.
func Fixed(x float64, prec int) string { return fixed(x, prec) }

func fixed(x float64, prec int) string {
	if math.IsNaN(x) {
		return "NA"
	}
	return fmt.Sprintf("%.*f", prec, x)
}
