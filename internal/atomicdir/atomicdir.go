// Package atomicdir writes a folder of result files so that a reader never
// sees it half-written: files go to a temporary folder beside the target,
// which is renamed into place only when every file is complete.
package atomicdir

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/rinsim/rinsim/internal/fault"
)

// ErrExists is returned when the target exists and overwriting was not asked for.
var ErrExists = errors.New("output folder exists (use --force to replace it)")

// ErrNotOurs is returned when --force would remove a folder that rinsim did
// not write.
var ErrNotOurs = errors.New("not a folder rinsim wrote, so --force does not remove it; remove it yourself or choose another output")

// Check reports ErrExists early, before any work, when dir exists and force
// is false; with force, it reports ErrNotOurs unless dir may be replaced
// (see Owned).
func Check(dir string, force bool) error {
	if _, err := os.Lstat(dir); errors.Is(err, os.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	if !force {
		return fmt.Errorf("%s: %w", dir, ErrExists)
	}
	return Owned(dir)
}

// Owned returns nil if dir is an empty folder or one that rinsim wrote: its
// manifest.json says "tool": "rinsim". Anything else (a file, a project
// folder) wraps ErrNotOurs, so that --force never deletes a user's files.
func Owned(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s: %w", dir, ErrNotOurs)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return nil
	}
	var m struct {
		Tool string `json:"tool"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil || json.Unmarshal(b, &m) != nil || m.Tool != "rinsim" {
		return fmt.Errorf("%s: %w", dir, ErrNotOurs)
	}
	return nil
}

// Write calls fill with a fresh temporary folder, then moves it to dir.
// With force, an existing dir is replaced (if Owned); its old contents are
// removed only after the new folder is in place. On any error the temporary
// folder is removed and dir is left as it was. The caller holds dir's lock
// (internal/lock), so temporary folders of dir left by killed writers are
// removed first.
func Write(dir string, force bool, fill func(tmp string) error) (err error) {
	if err := Check(dir, force); err != nil {
		return err
	}
	parent, base := filepath.Dir(dir), filepath.Base(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", parent, err)
	}
	if err := removeStale(parent, base); err != nil {
		return err
	}
	// Mkdir (unlike MkdirTemp's 0700) gives the folder the same mode as
	// every other output folder.
	tmp := filepath.Join(parent, tmpPrefix(base)+strconv.Itoa(os.Getpid()))
	if err := os.Mkdir(tmp, 0o755); err != nil {
		return fmt.Errorf("create temporary folder: %w", err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	if err := fill(tmp); err != nil {
		return err
	}
	fault.At("filled folder")
	return replace(tmp, dir, force)
}

func tmpPrefix(base string) string { return "." + base + ".tmp-" }

// removeStale removes the temporary folders of base in parent.
func removeStale(parent, base string) error {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tmpPrefix(base)) {
			if err := os.RemoveAll(filepath.Join(parent, e.Name())); err != nil {
				return fmt.Errorf("remove stale temporary folder: %w", err)
			}
		}
	}
	return nil
}

func replace(tmp, dir string, force bool) error {
	if err := os.Rename(tmp, dir); err == nil {
		return nil
	} else if !force {
		return fmt.Errorf("move results to %s: %w", dir, err)
	}
	old := tmp + ".old"
	if err := os.Rename(dir, old); err != nil {
		return fmt.Errorf("move old %s aside: %w", dir, err)
	}
	fault.At("moved old folder aside")
	if err := os.Rename(tmp, dir); err != nil {
		os.Rename(old, dir) // put the old results back
		return fmt.Errorf("move results to %s: %w", dir, err)
	}
	return os.RemoveAll(old)
}

// WriteFile creates path, lets write fill it through a buffer, and checks
// the flush, sync and close errors that a plain defer would lose.
func WriteFile(path string, write func(w io.Writer) error) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("close %s: %w", path, cerr)
		}
	}()
	fault.At("created " + filepath.Base(path))
	bw := bufio.NewWriterSize(f, 1<<16)
	if err := write(bw); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	fault.At("wrote " + filepath.Base(path))
	return f.Sync()
}

// ReplaceFile writes path through a temporary file in the same folder and
// renames it into place, so path is either the old or the complete new file.
func ReplaceFile(path string, write func(w io.Writer) error) error {
	tmp := path + ".tmp"
	if err := WriteFile(tmp, write); err != nil {
		os.Remove(tmp)
		return err
	}
	fault.At("synced " + filepath.Base(tmp))
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("rename %s: %w", tmp, err)
	}
	fault.At("renamed " + filepath.Base(path))
	return nil
}
