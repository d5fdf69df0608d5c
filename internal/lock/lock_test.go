//go:build unix

package lock

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestSecondAcquireIsRefusedNamingTheHolder(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	l, err := Acquire(out)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Acquire(out)
	if !errors.Is(err, ErrBusy) {
		t.Fatalf("second Acquire = %v, want ErrBusy", err)
	}
	if want := "process " + strconv.Itoa(os.Getpid()); !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), out) {
		t.Errorf("error %q does not name %s and %s", err, out, want)
	}
	if Holder(out) != os.Getpid() {
		t.Errorf("Holder = %d, want %d", Holder(out), os.Getpid())
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	if Holder(out) != 0 {
		t.Errorf("Holder after Release = %d, want 0", Holder(out))
	}
	if _, err := os.Stat(File(out)); !os.IsNotExist(err) {
		t.Errorf("lock file left after Release: %v", err)
	}
	l2, err := Acquire(out)
	if err != nil {
		t.Fatalf("Acquire after Release: %v", err)
	}
	l2.Release()
}

func TestStaleLockFileIsTakenOver(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	// A lock file as a killed process leaves it: its id, no flock.
	if err := os.WriteFile(File(out), []byte("999999999\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := Acquire(out)
	if err != nil {
		t.Fatalf("Acquire over a stale lock file: %v", err)
	}
	defer l.Release()
	b, _ := os.ReadFile(File(out))
	if strings.TrimSpace(string(b)) != strconv.Itoa(os.Getpid()) {
		t.Errorf("lock file holds %q, want our id", b)
	}
}

// TestLockOfAKilledProcessIsRecovered holds the lock in a child process,
// kills it with SIGKILL, and takes the lock.
func TestLockOfAKilledProcessIsRecovered(t *testing.T) {
	if os.Getenv("LOCK_TEST_HOLD") != "" {
		if _, err := Acquire(os.Getenv("LOCK_TEST_HOLD")); err != nil {
			os.Exit(3)
		}
		os.Stdout.WriteString("held\n")
		time.Sleep(time.Minute)
		os.Exit(0)
	}
	out := filepath.Join(t.TempDir(), "out")
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockOfAKilledProcessIsRecovered$")
	cmd.Env = append(os.Environ(), "LOCK_TEST_HOLD="+out)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 5)
	if _, err := stdout.Read(buf); err != nil || string(buf) != "held\n" {
		t.Fatalf("child did not take the lock: %q %v", buf, err)
	}
	if _, err := Acquire(out); !errors.Is(err, ErrBusy) || !strings.Contains(err.Error(), strconv.Itoa(cmd.Process.Pid)) {
		t.Errorf("while the child holds it: %v, want ErrBusy naming process %d", err, cmd.Process.Pid)
	}
	cmd.Process.Kill()
	cmd.Wait()
	l, err := Acquire(out)
	if err != nil {
		t.Fatalf("after the holder was killed: %v", err)
	}
	l.Release()
}

func TestFile(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"out/run", "out/.run.lock"},
		{"out/run/", "out/.run.lock"},
		{"run", ".run.lock"},
		{"/tmp/x.toml", "/tmp/.x.toml.lock"},
	} {
		if got := File(c.in); got != c.want {
			t.Errorf("File(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
