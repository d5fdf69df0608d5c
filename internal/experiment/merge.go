package experiment

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/rinsim/rinsim/internal/atomicdir"
	"github.com/rinsim/rinsim/internal/report"
	"github.com/rinsim/rinsim/sim"
)

// Merge combines the complete outputs of the shards 0/n .. n-1/n of one
// experiment into dir, giving the files one unsharded run writes. accept, if
// not nil, may refuse a shard by its manifest before anything is merged;
// extra, if not nil, writes further files (a report) into the merged folder
// from its manifest before the folder appears.
func Merge(dirs []string, out string, force bool, accept, extra func(dir string, m *Manifest) error) error {
	if len(dirs) == 0 {
		return fmt.Errorf("merge: no shard folders given")
	}
	ms, err := readShards(dirs, accept)
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
			if err := mergeFile(tmp, name, byShard, merged.Design); err != nil {
				return err
			}
		}
		if err := atomicdir.WriteFile(filepath.Join(tmp, "manifest.json"), merged.WriteManifest); err != nil {
			return err
		}
		if extra != nil {
			return extra(tmp, &merged)
		}
		return nil
	})
}

// readShards reads and checks the shards' manifests: accepted, one design,
// complete.
func readShards(dirs []string, accept func(dir string, m *Manifest) error) ([]*Manifest, error) {
	var ms []*Manifest
	var want string
	for _, d := range dirs {
		m, err := ReadManifest(d)
		if err != nil {
			return nil, fmt.Errorf("merge %s: %w", d, err)
		}
		if accept != nil {
			if err := accept(d, m); err != nil {
				return nil, err
			}
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
// shard p mod n, in the shard's own order. Each shard's rows are checked
// against the design first (checkShard).
func mergeFile(tmp, name string, byShard []string, d DesignInfo) error {
	n := len(byShard)
	headers := make([][]string, n)
	rows := make([]map[string][][]string, n)
	for i, dir := range byShard {
		path := filepath.Join(dir, name)
		h, recs, err := report.ReadCSV(path)
		if err != nil {
			return err
		}
		if i > 0 && !slices.Equal(h, headers[0]) {
			return fmt.Errorf("merge: %s has other columns than %s", path, filepath.Join(byShard[0], name))
		}
		headers[i] = h
		if rows[i], err = checkShard(path, h, recs, i, n, d); err != nil {
			return err
		}
	}
	return atomicdir.WriteFile(filepath.Join(tmp, name), func(w io.Writer) error {
		return report.WriteRows(w, headers[0], func(emit func([]string) error) error {
			for p, pt := range d.Points {
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

// checkShard groups the rows of shard i of n by point label and checks them
// against the design: only the shard's own points, each of them present, and
// in files with rep and seed columns, the replications 0..reps-1 in order
// with their seeds, each with the same number of rows. A shard file cut at
// a row boundary or mixed with another's rows is refused, naming file and
// line.
func checkShard(path string, header []string, recs [][]string, i, n int, d DesignInfo) (map[string][][]string, error) {
	want := map[string]int{} // label -> point index
	for p, pt := range d.Points {
		if p%n == i {
			want[pt.Label] = p
		}
	}
	repCol, seedCol := slices.Index(header, "rep"), slices.Index(header, "seed")
	byPoint := map[string][][]string{}
	lines := map[string][]int{}
	for k, r := range recs {
		if _, ok := want[r[0]]; !ok {
			return nil, fmt.Errorf("merge: %s, line %d: point %q is not one of this shard's design points", path, k+2, r[0])
		}
		byPoint[r[0]] = append(byPoint[r[0]], r)
		lines[r[0]] = append(lines[r[0]], k+2)
	}
	for label := range want {
		rs := byPoint[label]
		if len(rs) == 0 {
			return nil, fmt.Errorf("merge: %s has no rows of point %q; rerun the shard's command with --force", path, label)
		}
		if repCol < 0 || seedCol < 0 {
			continue
		}
		if len(rs)%d.Reps != 0 {
			return nil, fmt.Errorf("merge: %s: point %q has %d rows, not a multiple of its %d replications; rerun the shard's command with --force", path, label, len(rs), d.Reps)
		}
		per := len(rs) / d.Reps
		for k, r := range rs {
			rep := k / per
			if r[repCol] != strconv.Itoa(rep) || r[seedCol] != strconv.FormatUint(sim.RepSeed(d.Seed, rep), 10) {
				return nil, fmt.Errorf("merge: %s, line %d: want replication %d of point %q with seed %d, found rep %s seed %s; rerun the shard's command with --force",
					path, lines[label][k], rep, label, sim.RepSeed(d.Seed, rep), r[repCol], r[seedCol])
			}
		}
	}
	return byPoint, nil
}
