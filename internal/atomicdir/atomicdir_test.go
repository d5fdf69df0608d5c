package atomicdir

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// names lists the entries of dir, sorted.
func names(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	slices.Sort(out)
	return out
}

func mustWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestCheck(t *testing.T) {
	root := t.TempDir()
	existing := filepath.Join(root, "existing")
	if err := os.Mkdir(existing, 0o755); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, filepath.Join(existing, "manifest.json"), `{"tool": "rinsim"}`)
	empty := filepath.Join(root, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	project := filepath.Join(root, "project")
	if err := os.Mkdir(project, 0o755); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, filepath.Join(project, "notes.txt"), "mine")
	other := filepath.Join(root, "other")
	if err := os.Mkdir(other, 0o755); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, filepath.Join(other, "manifest.json"), `{"tool": "cargo"}`)
	file := filepath.Join(root, "file")
	mustWrite(t, file, "x")
	cases := []struct {
		name       string
		dir        string
		force      bool
		wantExists bool // error wrapping ErrExists
		wantOther  bool // another error
		wantNotOur bool // error wrapping ErrNotOurs
	}{
		{"missing", filepath.Join(root, "missing"), false, false, false, false},
		{"missing force", filepath.Join(root, "missing"), true, false, false, false},
		{"missing parent", filepath.Join(root, "a", "b", "c"), false, false, false, false},
		{"existing", existing, false, true, false, false},
		{"existing force", existing, true, false, false, false},
		{"existing file", file, false, true, false, false},
		{"existing file force", file, true, false, false, true},
		{"empty force", empty, true, false, false, false},
		{"project folder force", project, true, false, false, true},
		{"another tool's manifest force", other, true, false, false, true},
		{"below a file", filepath.Join(file, "sub"), false, false, true, false},
		{"below a file force", filepath.Join(file, "sub"), true, false, true, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Check(c.dir, c.force)
			switch {
			case c.wantNotOur:
				if !errors.Is(err, ErrNotOurs) || !strings.Contains(err.Error(), c.dir) {
					t.Fatalf("Check = %v, want ErrNotOurs naming %s", err, c.dir)
				}
			case c.wantExists:
				if !errors.Is(err, ErrExists) {
					t.Fatalf("Check = %v, want ErrExists", err)
				}
				if !strings.Contains(err.Error(), c.dir) {
					t.Errorf("error %q does not name %s", err, c.dir)
				}
			case c.wantOther:
				if err == nil || errors.Is(err, ErrExists) {
					t.Fatalf("Check = %v, want a stat error other than ErrExists", err)
				}
			default:
				if err != nil {
					t.Fatalf("Check = %v, want nil", err)
				}
			}
		})
	}
}

func TestWriteCreatesAfterFill(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "sub", "out") // parent is created too
	var tmpSeen string
	err := Write(dir, false, func(tmp string) error {
		tmpSeen = tmp
		if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("target exists while fill runs (stat: %v)", err)
		}
		if filepath.Dir(tmp) != filepath.Dir(dir) {
			t.Errorf("temporary folder %s is not beside %s", tmp, dir)
		}
		mustWrite(t, filepath.Join(tmp, "a.csv"), "a")
		if err := os.Mkdir(filepath.Join(tmp, "nested"), 0o755); err != nil {
			return err
		}
		mustWrite(t, filepath.Join(tmp, "nested", "b.csv"), "b")
		return nil
	})
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	if got := names(t, filepath.Dir(dir)); !slices.Equal(got, []string{"out"}) {
		t.Errorf("parent holds %v, want only out", got)
	}
	if _, err := os.Stat(tmpSeen); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temporary folder %s still there (stat: %v)", tmpSeen, err)
	}
	if got := readString(t, filepath.Join(dir, "a.csv")); got != "a" {
		t.Errorf("a.csv = %q", got)
	}
	if got := readString(t, filepath.Join(dir, "nested", "b.csv")); got != "b" {
		t.Errorf("nested/b.csv = %q", got)
	}

	// A second Write without force is refused before fill runs.
	called := false
	err = Write(dir, false, func(string) error { called = true; return nil })
	if !errors.Is(err, ErrExists) {
		t.Errorf("second Write = %v, want ErrExists", err)
	}
	if called {
		t.Error("fill ran although the target exists")
	}
}

func TestWriteFillError(t *testing.T) {
	boom := errors.New("boom")
	for _, force := range []bool{false, true} {
		t.Run(fmt.Sprint("force=", force), func(t *testing.T) {
			root := t.TempDir()
			dir := filepath.Join(root, "out")
			err := Write(dir, force, func(tmp string) error {
				mustWrite(t, filepath.Join(tmp, "half.csv"), "half")
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("Write = %v, want the fill error", err)
			}
			if got := names(t, root); len(got) != 0 {
				t.Errorf("after a failed fill the parent holds %v, want nothing", got)
			}
		})
	}
}

func TestWriteForceReplaces(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "out")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, filepath.Join(dir, "old.csv"), "old")
	mustWrite(t, filepath.Join(dir, "same.csv"), "old same")
	mustWrite(t, filepath.Join(dir, "manifest.json"), `{"tool": "rinsim"}`)

	err := Write(dir, true, func(tmp string) error {
		if got := readString(t, filepath.Join(dir, "old.csv")); got != "old" {
			t.Errorf("old folder changed while fill runs: old.csv = %q", got)
		}
		mustWrite(t, filepath.Join(tmp, "new.csv"), "new")
		mustWrite(t, filepath.Join(tmp, "same.csv"), "new same")
		return nil
	})
	if err != nil {
		t.Fatalf("Write force: %v", err)
	}
	if got := names(t, dir); !slices.Equal(got, []string{"new.csv", "same.csv"}) {
		t.Errorf("replaced folder holds %v, want [new.csv same.csv]", got)
	}
	if got := readString(t, filepath.Join(dir, "same.csv")); got != "new same" {
		t.Errorf("same.csv = %q, want the new content", got)
	}
	if got := names(t, root); !slices.Equal(got, []string{"out"}) {
		t.Errorf("parent holds %v, want only out (no temporary or .old folder)", got)
	}
}

func TestWriteForceFillErrorKeepsOld(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "out")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, filepath.Join(dir, "old.csv"), "old")
	mustWrite(t, filepath.Join(dir, "manifest.json"), `{"tool": "rinsim"}`)
	boom := errors.New("boom")
	err := Write(dir, true, func(tmp string) error {
		mustWrite(t, filepath.Join(tmp, "new.csv"), "new")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Write = %v, want the fill error", err)
	}
	if got := names(t, dir); !slices.Equal(got, []string{"manifest.json", "old.csv"}) {
		t.Errorf("old folder holds %v, want [manifest.json old.csv]", got)
	}
	if got := readString(t, filepath.Join(dir, "old.csv")); got != "old" {
		t.Errorf("old.csv = %q", got)
	}
	if got := names(t, root); !slices.Equal(got, []string{"out"}) {
		t.Errorf("parent holds %v, want only out", got)
	}
}

// payload is larger than WriteFile's 64 KiB buffer, so a missing flush or a
// lost tail would show.
var payload = func() []byte {
	var b bytes.Buffer
	for i := range 20_000 {
		fmt.Fprintf(&b, "row %d,%d\n", i, i*i)
	}
	return b.Bytes()
}()

func writePayload(w io.Writer) error {
	// Several writes of odd sizes.
	for rest := payload; len(rest) > 0; {
		n := min(len(rest), 7919)
		if _, err := w.Write(rest[:n]); err != nil {
			return err
		}
		rest = rest[n:]
	}
	return nil
}

func TestWriteFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.csv")
	if err := WriteFile(path, writePayload); err != nil {
		t.Fatal(err)
	}
	if got := readString(t, path); got != string(payload) {
		t.Errorf("file has %d bytes, want %d", len(got), len(payload))
	}

	boom := errors.New("boom")
	err := WriteFile(path, func(w io.Writer) error { return boom })
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), path) {
		t.Errorf("WriteFile = %v, want the writer's error naming %s", err, path)
	}

	err = WriteFile(filepath.Join(t.TempDir(), "missing", "f.csv"), writePayload)
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("WriteFile in a missing folder = %v, want ErrNotExist", err)
	}
}

func TestReplaceFile(t *testing.T) {
	boom := errors.New("boom")
	cases := []struct {
		name    string
		old     *string // existing content, nil for none
		write   func(io.Writer) error
		wantErr bool
		want    *string // content afterwards, nil for no file
	}{
		{"new file", nil, writePayload, false, ptr(string(payload))},
		{"replace", ptr("old"), writePayload, false, ptr(string(payload))},
		{"replace with empty", ptr("old"), func(io.Writer) error { return nil }, false, ptr("")},
		{"error, no old file", nil, func(w io.Writer) error { io.WriteString(w, "half"); return boom }, true, nil},
		{"error keeps old file", ptr("old"), func(w io.Writer) error { writePayload(w); return boom }, true, ptr("old")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "f.csv")
			if c.old != nil {
				mustWrite(t, path, *c.old)
			}
			err := ReplaceFile(path, c.write)
			if c.wantErr != (err != nil) {
				t.Fatalf("ReplaceFile = %v, want error %v", err, c.wantErr)
			}
			if c.wantErr && !errors.Is(err, boom) {
				t.Errorf("ReplaceFile = %v, want the writer's error", err)
			}
			if c.want == nil {
				if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("%s exists after a failed first write (stat: %v)", path, err)
				}
			} else if got := readString(t, path); got != *c.want {
				t.Errorf("content %d bytes (%.20q), want %d bytes (%.20q)", len(got), got, len(*c.want), *c.want)
			}
			var want []string
			if c.want != nil {
				want = []string{"f.csv"}
			}
			if got := names(t, dir); !slices.Equal(got, want) {
				t.Errorf("folder holds %v, want %v (no .tmp file)", got, want)
			}
		})
	}
}

func ptr(s string) *string { return &s }

// TestWriteRemovesStaleTemporaryFoldersAndKeepsMode: a writer killed before
// its rename leaves a temporary folder; the next Write removes it, and the
// result has the mode of any folder made with 0755.
func TestWriteRemovesStaleTemporaryFoldersAndKeepsMode(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "out")
	stale := filepath.Join(root, ".out.tmp-123")
	if err := os.MkdirAll(filepath.Join(stale, "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := Write(dir, false, func(string) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if got := names(t, root); !slices.Equal(got, []string{"out"}) {
		t.Errorf("parent holds %v, want only out", got)
	}
	ref := filepath.Join(root, "ref")
	if err := os.Mkdir(ref, 0o755); err != nil {
		t.Fatal(err)
	}
	a, _ := os.Stat(dir)
	b, _ := os.Stat(ref)
	if a.Mode() != b.Mode() {
		t.Errorf("output folder mode %v, want %v like os.Mkdir(0755)", a.Mode(), b.Mode())
	}
}

func TestWriteForceRefusesAFolderRinsimDidNotWrite(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "project")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, filepath.Join(dir, "thesis.tex"), "mine")
	err := Write(dir, true, func(string) error { return nil })
	if !errors.Is(err, ErrNotOurs) {
		t.Fatalf("Write --force on a project folder = %v, want ErrNotOurs", err)
	}
	if got := names(t, dir); !slices.Equal(got, []string{"thesis.tex"}) {
		t.Errorf("project folder holds %v after a refused --force", got)
	}
}
