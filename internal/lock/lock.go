// Package lock gives a command exclusive use of an output path for its
// whole life: an advisory lock (flock) on a lock file beside the path,
// holding the holder's process id for the message others see. The kernel
// drops the lock when the holder dies, so a lock file left by a killed
// process is simply taken over.
package lock

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ErrBusy is returned when another process holds the lock.
var ErrBusy = errors.New("in use by another rinsim command")

// Lock is a held lock; Release gives it up.
type Lock struct {
	path string
	f    *os.File
}

// File is the lock file of path: a hidden file beside it, so that the lock
// also covers a folder that does not exist yet or is replaced whole.
func File(path string) string {
	path = filepath.Clean(path)
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".lock")
}

// Acquire takes the lock of path without waiting. If another process holds
// it, the error wraps ErrBusy and names that process.
func Acquire(path string) (*Lock, error) {
	lf := File(path)
	if err := os.MkdirAll(filepath.Dir(lf), 0o755); err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	for {
		f, err := os.OpenFile(lf, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if err := tryLock(f); err != nil {
			f.Close()
			if errors.Is(err, errWouldBlock) {
				return nil, fmt.Errorf("%s: %w%s; wait for it to finish or choose another output (lock file %s)",
					path, ErrBusy, holder(lf), lf)
			}
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		// A releasing holder removes the file; if ours was removed
		// between open and lock, another process may lock a new file
		// under the same name, so start again on that one.
		if same(f, lf) {
			l := &Lock{path: lf, f: f}
			return l, l.writePID()
		}
		f.Close()
	}
}

func same(f *os.File, path string) bool {
	a, err1 := f.Stat()
	b, err2 := os.Stat(path)
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}

func (l *Lock) writePID() error {
	if err := l.f.Truncate(0); err != nil {
		return err
	}
	_, err := l.f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return err
}

// holder names the process in lock file lf, if it wrote its id.
func holder(lf string) string {
	if pid := readPID(lf); pid > 0 {
		return fmt.Sprintf(" (process %d)", pid)
	}
	return ""
}

// Holder is the process id written in the lock file of path, 0 if none.
func Holder(path string) int { return readPID(File(path)) }

func readPID(lf string) int {
	b, err := os.ReadFile(lf)
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}

// Release removes the lock file and unlocks it. Removing first, while still
// holding the lock, is what makes the check in Acquire sufficient.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := os.Remove(l.path)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}
