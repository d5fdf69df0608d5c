package app

import (
	"context"
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
