package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestEscape(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain: line 1\n\tdetail", "plain: line 1\n\tdetail"},
		{"id \x1b[31mred\x1b[0m", `id \x1b[31mred\x1b[0m`},
		{"name a\rb", `name a\rb`},
		{"nul \x00 del \x7f", `nul \x00 del \x7f`},
		{"ø and 漢字", "ø and 漢字"},
	} {
		if got := Escape(c.in); got != c.want {
			t.Errorf("Escape(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestScenarioNameWithControlCharacters: a compare scenario name with \r
// (or any control character) is refused; it was accepted.
func TestScenarioNameWithControlCharacters(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a\\rb", "a\\u001bb", "a\\tb"} {
		f := filepath.Join(dir, "set.toml")
		os.WriteFile(f, []byte("[[scenario]]\nname = \""+name+"\"\nset = []\n"), 0o644)
		_, stderr, code := execute(t, context.Background(), "compare", "--scenarios", f, "--out", filepath.Join(dir, "out"))
		if code != ExitUsage || !strings.Contains(stderr, "name") {
			t.Errorf("scenario name %s: exit %d, want 2: %s", name, code, stderr)
		}
	}
}

// TestScenarioNamesThatBreakFigureFiles: a compare scenario name over 100
// bytes (a 1 MB one ran every replication and then failed with exit 1 on
// the figure's file name), and two names that make the same figure file
// (their difference figures overwrote each other), are refused at once.
func TestScenarioNamesThatBreakFigureFiles(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ names []string }{
		{[]string{strings.Repeat("x", 101)}},
		{[]string{"my cut", "my_cut"}},
		{[]string{"cut/a", "cut?a"}},
		{[]string{"baseline."}}, // the built-in baseline's file
	} {
		f := filepath.Join(dir, "set.toml")
		var doc strings.Builder
		for _, n := range c.names {
			fmt.Fprintf(&doc, "[[scenario]]\nname = %q\nset = []\n", n)
		}
		os.WriteFile(f, []byte(doc.String()), 0o644)
		out := filepath.Join(dir, "out")
		_, stderr, code := execute(t, context.Background(), "compare", "--scenarios", f, "--reps", "2", "--out", out)
		if code != ExitUsage || !strings.Contains(stderr, "name") {
			t.Errorf("scenario names %.40q: exit %d, want 2: %.300s", c.names, code, stderr)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("scenario names %.40q: refused but wrote %s", c.names, out)
		}
	}
	ok := []string{strings.Repeat("y", 100)}
	if _, err := parseScenarioSet([]byte(fmt.Sprintf("[[scenario]]\nname = %q\n", ok[0])), "s.toml"); err != nil {
		t.Errorf("a 100-byte name: %v", err)
	}
}

func TestClipLines(t *testing.T) {
	long := strings.Repeat("x", 5000)
	got := ClipLines("unknown command \"" + long + "\"\n  line 2: short")
	want := "unknown command \"" + strings.Repeat("x", maxMessageLine/2-len("unknown command \"")) + "... (5018 bytes)\n  line 2: short"
	if got != want {
		t.Errorf("ClipLines = %.200q..., want %.200q...", got, want)
	}
	short := "a\nb"
	if got := ClipLines(short); got != short {
		t.Errorf("ClipLines(%q) = %q", short, got)
	}
}

// The binary prints an error about a 100 KB argument (Linux allows 128 KB)
// in a few kilobytes: urfave/cli's "unknown command" and "flag provided but
// not defined" repeat the argument whole.
func TestLongArgumentMessage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	long := strings.Repeat("y", 100_000)
	for _, args := range [][]string{{long}, {"run", "--" + long}} {
		cmd := exec.Command(bin, args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != ExitUsage || stderr.Len() > 4*maxMessageLine || !strings.Contains(stderr.String(), "bytes)") {
			t.Errorf("%.20s...: %v, %d bytes of stderr: %.300s", args, err, stderr.Len(), stderr.String())
		}
	}
}
