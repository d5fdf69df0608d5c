package scenarios

import (
	"os"
	"strings"
	"testing"
)

func TestCheckDepth(t *testing.T) {
	deep := func(open, close string, n int) string { return strings.Repeat(open, n) + strings.Repeat(close, n) }
	cases := []struct {
		name, toml string
		ok         bool
	}{
		{"scenario keys", "[[network]]\nid = \"cwn\"\n  [[network.stream]]\n  nok_per_year = 1.5e6\nnetwork.cwn.stream.arena.to = 2016\n", true},
		{"deep dotted key", strings.Repeat("a.", 40) + "b = 1\n", false},
		{"deep table header", "[" + strings.Repeat("a.", 40) + "b]\n", false},
		{"deep arrays", "x = " + deep("[", "]", 40) + "\n", false},
		{"deep inline tables", "x = " + strings.Repeat("{a=", 40) + "1" + strings.Repeat("}", 40) + "\n", false},
		{"32 levels", "x = " + deep("[", "]", MaxDepth) + "\n", true},
		{"dots in a string", "name = \"" + strings.Repeat(".", 100) + "\"\n", true},
		{"dots in a literal string", "name = '" + strings.Repeat("[.", 100) + "'\n", true},
		{"dots in a multi-line string", "d = \"\"\"\n" + strings.Repeat("a.\n", 100) + strings.Repeat(".", 100) + "\"\"\"\n", true},
		{"escaped quote", "d = \"\\\"" + strings.Repeat(".", 100) + "\"\n", true},
		{"dots in a comment", "# " + strings.Repeat(".", 100) + "\nx = 1\n", true},
		{"many numbers", "x = [" + strings.Repeat("1.5, ", 1000) + "]\n", true},
	}
	for _, c := range cases {
		if err := CheckDepth([]byte(c.toml), "f.toml"); (err == nil) != c.ok {
			t.Errorf("%s: CheckDepth = %v, want ok %v", c.name, err, c.ok)
		} else if err != nil && !strings.Contains(err.Error(), "f.toml: line 1") {
			t.Errorf("%s: error %q does not name file and line", c.name, err)
		}
	}
}

// TestHugeAndEndlessFilesAreRefusedQuickly: a 20,000-level key (40 KB) took
// over a minute and 3 GB, and /dev/zero was read for minutes.
func TestHugeAndEndlessFilesAreRefusedQuickly(t *testing.T) {
	// Refused by the depth check, before the decoder (quadratic in the
	// depth: minutes and gigabytes for this file) ever sees it.
	deep := t.TempDir() + "/deep.toml"
	os.WriteFile(deep, []byte(strings.Repeat("a.", 20_000)+"b = 1\n"), 0o644)
	if _, err := Load(deep); err == nil || !strings.Contains(err.Error(), "nested more than") {
		t.Errorf("Load(deep) = %v, want the depth limit", err)
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		if _, err := Load("/dev/zero"); err == nil || !strings.Contains(err.Error(), "limit") {
			t.Errorf("Load(/dev/zero) = %v, want a size limit error", err)
		}
	}
}

// TestReadLimitedStops: an endless input is read no further than the limit
// plus one byte, so refusing it takes bounded work (no timing asserted).
func TestReadLimitedStops(t *testing.T) {
	for _, limit := range []int64{0, 1, 1000, 1 << 16} {
		z := &endless{}
		if _, err := readLimited(z, limit); err == nil || !strings.Contains(err.Error(), "limit") {
			t.Errorf("limit %d: err %v, want a limit error", limit, err)
		}
		if z.n > limit+1 {
			t.Errorf("limit %d: read %d bytes, want at most %d", limit, z.n, limit+1)
		}
		if b, err := readLimited(strings.NewReader(strings.Repeat("x", int(limit))), limit); err != nil || int64(len(b)) != limit {
			t.Errorf("limit %d: an input of exactly the limit: %d bytes, %v", limit, len(b), err)
		}
	}
}

// endless serves zeros without end and counts them.
type endless struct{ n int64 }

func (z *endless) Read(p []byte) (int, error) {
	clear(p)
	z.n += int64(len(p))
	return len(p), nil
}
