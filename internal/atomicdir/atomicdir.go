// Package atomicdir writes a folder of result files so that a reader never
// sees it half-written: files go to a temporary folder beside the target,
// which is renamed into place only when every file is complete.
package atomicdir

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// ErrExists is returned when the target exists and overwriting was not asked for.
var ErrExists = errors.New("output folder exists (use --force to replace it)")

// Check reports ErrExists early, before any work, when dir exists and force
// is false.
func Check(dir string, force bool) error {
	if force {
		return nil
	}
	if _, err := os.Stat(dir); err == nil {
		return fmt.Errorf("%s: %w", dir, ErrExists)
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// Write calls fill with a fresh temporary folder, then moves it to dir.
// With force, an existing dir is replaced; its old contents are removed only
// after the new folder is in place. On any error the temporary folder is
// removed and dir is left as it was.
func Write(dir string, force bool, fill func(tmp string) error) (err error) {
	if err := Check(dir, force); err != nil {
		return err
	}
	parent, base := filepath.Dir(dir), filepath.Base(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", parent, err)
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".tmp-")
	if err != nil {
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
	return replace(tmp, dir, force)
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
	bw := bufio.NewWriterSize(f, 1<<16)
	if err := write(bw); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
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
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("rename %s: %w", tmp, err)
	}
	return nil
}
