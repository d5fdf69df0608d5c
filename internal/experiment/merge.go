package experiment

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/rinsim/rinsim/internal/atomicdir"
	"github.com/rinsim/rinsim/internal/report"
	"github.com/rinsim/rinsim/sim"
)

// Merge combines the complete outputs of the shards 0/n .. n-1/n of one
// experiment into dir, giving the files one unsharded run writes.
func Merge(dirs []string, out string, force bool) error {
	if len(dirs) == 0 {
		return fmt.Errorf("merge: no shard folders given")
	}
	ms, err := readShards(dirs)
	if err != nil {
		return err
	}
	merged := *ms[0]
	merged.Design.Shard = Shard{0, 1}.String()
	if merged.DesignHash, err = HashDesign(merged.Command, merged.Design); err != nil {
		return err
	}
	n := len(dirs)
	byShard := make([]string, n)
	for k, m := range ms {
		var sh Shard
		if sh, err = ParseShard(m.Design.Shard); err != nil {
			return fmt.Errorf("merge %s: manifest: %w", dirs[k], err)
		}
		if sh.N != n {
			return fmt.Errorf("merge: %s is shard %s, but %d shard folders were given", dirs[k], sh, n)
		}
		if byShard[sh.I] != "" {
			return fmt.Errorf("merge: shard %s given twice (%s and %s)", sh, byShard[sh.I], dirs[k])
		}
		byShard[sh.I] = dirs[k]
	}
	return atomicdir.Write(out, force, func(tmp string) error {
		for _, name := range merged.Files {
			if err := mergeFile(tmp, name, byShard, merged.Design.Points); err != nil {
				return err
			}
		}
		return atomicdir.WriteFile(filepath.Join(tmp, "manifest.json"), merged.WriteManifest)
	})
}

// readShards reads and checks the shards' manifests: one design, complete.
func readShards(dirs []string) ([]*Manifest, error) {
	var ms []*Manifest
	var want string
	for _, d := range dirs {
		m, err := ReadManifest(d)
		if err != nil {
			return nil, fmt.Errorf("merge %s: %w", d, err)
		}
		info := m.Design
		info.Shard = ""
		h, err := HashDesign(m.Command, info)
		if err != nil {
			return nil, err
		}
		if want == "" {
			want = h
		} else if h != want {
			return nil, fmt.Errorf("merge: %s is a shard of a different experiment than %s", d, dirs[0])
		}
		for _, f := range m.Files {
			if _, err := os.Stat(filepath.Join(d, f)); err != nil {
				return nil, fmt.Errorf("merge: %s is not complete (%s missing; rerun its command to finish it)", d, f)
			}
		}
		ms = append(ms, m)
	}
	return ms, nil
}

// mergeFile interleaves the rows of name by design point: point p comes from
// shard p mod n, in the shard's own order.
func mergeFile(tmp, name string, byShard []string, points []sim.Point) error {
	n := len(byShard)
	headers := make([][]string, n)
	rows := make([]map[string][][]string, n)
	for i, d := range byShard {
		h, recs, err := report.ReadCSV(filepath.Join(d, name))
		if err != nil {
			return err
		}
		if i > 0 && !slices.Equal(h, headers[0]) {
			return fmt.Errorf("merge: %s has other columns than %s", filepath.Join(d, name), filepath.Join(byShard[0], name))
		}
		headers[i] = h
		rows[i] = map[string][][]string{}
		for _, r := range recs {
			rows[i][r[0]] = append(rows[i][r[0]], r)
		}
	}
	return atomicdir.WriteFile(filepath.Join(tmp, name), func(w io.Writer) error {
		return report.WriteRows(w, headers[0], func(emit func([]string) error) error {
			for p, pt := range points {
				for _, r := range rows[p%n][pt.Label] {
					if err := emit(r); err != nil {
						return err
					}
				}
			}
			return nil
		})
	})
}
