package fault

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestAt runs this test binary as a child that passes three boundaries,
// stopping at the one named by Env.
func TestAt(t *testing.T) {
	if os.Getenv("FAULT_TEST_CHILD") != "" {
		At("a")
		At("b")
		At("a")
		os.Exit(0)
	}
	for _, c := range []struct {
		stop     string
		wantCode int
		wantList string
	}{
		{"", 0, "a#1 b#1 a#2"},
		{"b", Code, "a#1 b#1"},
		{"a#2", Code, "a#1 b#1 a#2"},
		{"a#3", 0, "a#1 b#1 a#2"},
	} {
		list := filepath.Join(t.TempDir(), "list")
		cmd := exec.Command(os.Args[0], "-test.run=^TestAt$")
		cmd.Env = append(os.Environ(), "FAULT_TEST_CHILD=1", Env+"="+c.stop, ListEnv+"="+list)
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		b, _ := os.ReadFile(list)
		if got := strings.Join(strings.Fields(string(b)), " "); code != c.wantCode || got != c.wantList {
			t.Errorf("%s=%q: exit %d, boundaries %q; want %d, %q", Env, c.stop, code, got, c.wantCode, c.wantList)
		}
	}
}
