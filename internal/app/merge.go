package app

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/rinsim/rinsim/internal/atomicdir"
	"github.com/rinsim/rinsim/internal/experiment"
	"github.com/rinsim/rinsim/internal/lock"
)

func mergeCommand(stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "merge",
		Usage:     "combine the outputs of sweep shards (sweep --shard i/n) into one unsharded result",
		UsageText: "rinsim merge --out DIR SHARD_DIR...",
		Description: "Every shard 0/n .. n-1/n of the same experiment must be given, each complete. The merged\n" +
			"runs.csv (and steps.csv, points.csv) equal those of one unsharded run. Flags may follow the folders.\n" +
			"A shard that a sweep is still writing is refused, and so is the folder of another command.\n\n" +
			"Example:\n   rinsim merge out/sweep-shard-* --out out/sweep",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Usage: "merged output `DIR`", Required: true},
			forceFlag,
		},
		Action: func(c *cli.Context) error {
			out, shards := c.String("out"), c.Args().Slice()
			if err := outsideShards(out, shards); err != nil {
				return err
			}
			l, err := lock.Acquire(out)
			if err != nil {
				return err
			}
			defer l.Release()
			locks, err := lockShards(shards)
			defer releaseAll(locks)
			if err != nil {
				return err
			}
			if err := experiment.Merge(shards, out, c.Bool("force"), onlySweep, mergedReport); err != nil {
				return err // every merge error is about its inputs
			}
			fmt.Fprintf(stderr, "merged %d shards into %s\n", c.NArg(), out)
			return nil
		},
	}
}

// outsideShards refuses an --out that is one of the shard folders: the
// merge would replace a shard it reads.
func outsideShards(out string, shards []string) error {
	for _, d := range shards {
		if sameFolder(out, d) {
			return fmt.Errorf("merge: --out %s is the shard folder %s; merge into another folder", out, d)
		}
	}
	return nil
}

// onlySweep refuses the folder of a command other than sweep, the only one
// that shards: merging a compare or validate folder would copy its runs.csv
// without the tables and report that command computes from it.
func onlySweep(dir string, m *experiment.Manifest) error {
	if m.Command != "sweep" {
		return fmt.Errorf("merge: %s holds the output of rinsim %s, not of a sweep shard; only sweep --shard i/n folders can be merged", dir, m.Command)
	}
	return nil
}

// sameFolder reports whether a and b name one folder, by path or by file.
func sameFolder(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}

// lockShards takes the lock every command that writes a folder takes, on
// each shard folder, so that a merge never reads a shard that a sweep or
// compare is writing (or resuming), and no such command starts on a shard
// while the merge reads it. A folder given twice is locked once (Merge then
// refuses it); a missing folder is left to Merge to report; a shard whose
// lock file cannot be created (a read-only archive, another user's folder)
// is read unlocked, as before locks existed, rather than refused.
func lockShards(shards []string) ([]*lock.Lock, error) {
	var locks []*lock.Lock
	var done []string
	for _, d := range shards {
		if fi, err := os.Stat(d); err != nil || !fi.IsDir() || seen(done, d) {
			continue
		}
		done = append(done, d)
		l, err := lock.Acquire(d)
		if errors.Is(err, lock.ErrBusy) {
			who := "another rinsim command"
			if pid := lock.Holder(d); pid > 0 {
				who += fmt.Sprintf(" (process %d)", pid)
			}
			return locks, fmt.Errorf("merge: shard folder %s is in use by %s, which may still be writing it; wait for it to finish (lock file %s)", d, who, lock.File(d))
		}
		if err != nil {
			continue
		}
		locks = append(locks, l)
	}
	return locks, nil
}

func seen(dirs []string, d string) bool {
	for _, e := range dirs {
		if sameFolder(e, d) {
			return true
		}
	}
	return false
}

func releaseAll(locks []*lock.Lock) {
	for _, l := range locks {
		l.Release()
	}
}

// mergedReport writes the report.md of a merged sweep, as one unsharded
// sweep writes it.
func mergedReport(dir string, m *experiment.Manifest) error {
	if m.Command != "sweep" {
		return nil
	}
	return atomicdir.WriteFile(filepath.Join(dir, "report.md"), func(w io.Writer) error { return writeSweepReport(w, m) })
}
