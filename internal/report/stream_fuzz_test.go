package report

import (
	"testing"
)

// FuzzResumeRows: reading back any partial file (as a kill or an edit may
// leave it) never panics, and the rows it keeps have the header's columns.
func FuzzResumeRows(f *testing.F) {
	header := []string{"point", "rep", "seed", "value"}
	f.Add([]byte("point,rep,seed,value\np0,0,1,0.5\np0,1,2,0."))
	f.Add([]byte("point,re"))
	f.Add([]byte(""))
	f.Add([]byte("point,rep,seed,value\n\"p0\",0,1,\"a,\nb\"\n"))
	f.Add([]byte("other\n1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := completeRows(data, header, "runs.csv.partial")
		if err != nil {
			return
		}
		for _, r := range rows {
			if len(r) != len(header) {
				t.Fatalf("row %q has %d fields, want %d", r, len(r), len(header))
			}
		}
	})
}
