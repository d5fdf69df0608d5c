package app

import (
	"context"
	"fmt"
	"os"
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
