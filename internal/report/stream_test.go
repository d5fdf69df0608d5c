package report

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var streamHeader = []string{"point", "rep", "value"}

func fileText(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func TestStreamCreateWriteClose(t *testing.T) {
	for _, complete := range []bool{true, false} {
		dir := t.TempDir()
		final := filepath.Join(dir, "runs.csv")
		partial := final + PartialSuffix
		// An old partial file is replaced.
		if err := os.WriteFile(partial, []byte("old,junk\n1,2\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := CreateStream(dir, "runs.csv", streamHeader)
		if err != nil {
			t.Fatal(err)
		}
		if got := fileText(t, partial); got != "point,rep,value\n" {
			t.Fatalf("after CreateStream the file holds %q, want only the header", got)
		}
		if exists(final) {
			t.Fatal("final file exists before Close")
		}
		if err := s.WriteJob([][]string{{"p0", "0", "1.5"}, {"p0", "1", "a,b"}}); err != nil {
			t.Fatal(err)
		}
		// Flushed: readable before Close.
		want := "point,rep,value\np0,0,1.5\np0,1,\"a,b\"\n"
		if got := fileText(t, partial); got != want {
			t.Fatalf("after WriteJob the file holds %q, want %q", got, want)
		}
		if err := s.WriteJob([][]string{{"p1", "0", "2"}}); err != nil {
			t.Fatal(err)
		}
		want += "p1,0,2\n"
		if got := fileText(t, partial); got != want {
			t.Fatalf("after the second WriteJob the file holds %q, want %q", got, want)
		}
		if err := s.Close(complete); err != nil {
			t.Fatalf("Close(%v): %v", complete, err)
		}
		if complete {
			if exists(partial) {
				t.Error("Close(true) left the .partial file")
			}
			if got := fileText(t, final); got != want {
				t.Errorf("final file holds %q, want %q", got, want)
			}
			h, rows, err := ReadCSV(final)
			if err != nil || !slices.Equal(h, streamHeader) || len(rows) != 3 {
				t.Errorf("ReadCSV: header %v, %d rows, err %v", h, len(rows), err)
			}
		} else {
			if exists(final) {
				t.Error("Close(false) created the final file")
			}
			if got := fileText(t, partial); got != want {
				t.Errorf("partial file holds %q, want %q", got, want)
			}
		}
		// Closing again is harmless and changes nothing.
		if err := s.Close(true); err != nil {
			t.Errorf("second Close: %v", err)
		}
		if exists(final) != complete {
			t.Errorf("second Close changed the final file (complete=%v)", complete)
		}
	}
}

func TestResumeStream(t *testing.T) {
	const head = "point,rep,value\n"
	cases := []struct {
		name    string
		content string
		want    [][]string
		wantErr string // substring of the error, "" for none
	}{
		{"header only", head, [][]string{}, ""},
		{"whole rows", head + "p0,0,1\np0,1,2\n", [][]string{{"p0", "0", "1"}, {"p0", "1", "2"}}, ""},
		{"cut-off last row", head + "p0,0,1\np0,1,2\np1,0,3.1", [][]string{{"p0", "0", "1"}, {"p0", "1", "2"}}, ""},
		{"cut-off after one field", head + "p0,0,1\np1,", [][]string{{"p0", "0", "1"}}, ""},
		{"cut-off quoted field", head + "p0,0,1\np1,0,\"a,", [][]string{{"p0", "0", "1"}}, ""},
		{"quoted comma kept", head + "p0,0,\"a,b\"\n", [][]string{{"p0", "0", "a,b"}}, ""},
		{"cut-off header", "point,re", [][]string{}, ""}, // killed while writing the header
		{"empty file", "", [][]string{}, ""},             // killed after create
		{"cut-off other header", "point,x", nil, "columns differ"},
		{"other header", "point,rep,other\np0,0,1\n", nil, "columns differ"},
		{"more columns", "point,rep,value,x\n", nil, "columns differ"},
		{"fewer columns", "point,rep\n", nil, "columns differ"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "runs.csv"+PartialSuffix)
			if err := os.WriteFile(path, []byte(c.content), 0o644); err != nil {
				t.Fatal(err)
			}
			s, rows, err := ResumeStream(dir, "runs.csv", streamHeader)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) || !strings.Contains(err.Error(), path) {
					t.Fatalf("ResumeStream = %v, want an error naming %s and containing %q", err, path, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ResumeStream: %v", err)
			}
			if len(rows) != len(c.want) || (len(rows) > 0 && !slices.EqualFunc(rows, c.want, slices.Equal)) {
				t.Fatalf("rows = %q, want %q", rows, c.want)
			}
			// Keeping every whole row drops the cut-off tail.
			if err := s.Truncate(streamHeader, rows); err != nil {
				t.Fatal(err)
			}
			if err := s.Close(false); err != nil {
				t.Fatal(err)
			}
			want := head
			for _, r := range c.want {
				want += csvLine(r)
			}
			if got := fileText(t, path); got != want {
				t.Errorf("after Truncate the file holds %q, want %q", got, want)
			}
		})
	}
}

func TestResumeStreamMissing(t *testing.T) {
	_, _, err := ResumeStream(t.TempDir(), "runs.csv", streamHeader)
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ResumeStream of a missing file = %v, want ErrNotExist", err)
	}
}

func csvLine(r []string) string {
	var b strings.Builder
	if err := WriteRows(&b, r, func(func([]string) error) error { return nil }); err != nil {
		panic(err)
	}
	return b.String()
}

// TestTruncate: keep k whole rows of a stream, append a job, complete it.
func TestTruncate(t *testing.T) {
	rows := [][]string{{"p0", "0", "1"}, {"p0", "1", "x,y"}, {"p1", "0", "\"q\""}, {"p1", "1", ""}}
	for keep := 0; keep <= len(rows); keep++ {
		dir := t.TempDir()
		s, err := CreateStream(dir, "runs.csv", streamHeader)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.WriteJob(rows); err != nil {
			t.Fatal(err)
		}
		// A kill in the middle of the next row.
		if _, err := s.f.WriteString("p2,0,12"); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(false); err != nil {
			t.Fatal(err)
		}

		s, got, err := ResumeStream(dir, "runs.csv", streamHeader)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.EqualFunc(got, rows, slices.Equal) {
			t.Fatalf("resumed rows %q, want %q", got, rows)
		}
		if err := s.Truncate(streamHeader, got[:keep]); err != nil {
			t.Fatal(err)
		}
		h, left, err := readPartial(t, dir)
		if err != nil || !slices.Equal(h, streamHeader) || !slices.EqualFunc(left, rows[:keep], slices.Equal) {
			t.Fatalf("keep %d: file holds %q %q (err %v), want %q", keep, h, left, err, rows[:keep])
		}
		next := [][]string{{"p9", "0", "new"}}
		if err := s.WriteJob(next); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(true); err != nil {
			t.Fatal(err)
		}
		if exists(filepath.Join(dir, "runs.csv"+PartialSuffix)) {
			t.Errorf("keep %d: .partial left after Close(true)", keep)
		}
		_, all, err := ReadCSV(filepath.Join(dir, "runs.csv"))
		if want := append(slices.Clone(rows[:keep]), next...); err != nil || !slices.EqualFunc(all, want, slices.Equal) {
			t.Errorf("keep %d: final rows %q (err %v), want %q", keep, all, err, want)
		}
	}
}

func readPartial(t *testing.T, dir string) ([]string, [][]string, error) {
	t.Helper()
	return ReadCSV(filepath.Join(dir, "runs.csv"+PartialSuffix))
}

func TestReadCSVAndColumn(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.csv")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ReadCSV(empty); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("ReadCSV of an empty file = %v, want an error", err)
	}
	ragged := filepath.Join(dir, "ragged.csv")
	if err := os.WriteFile(ragged, []byte("a,b\n1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ReadCSV(ragged); err == nil || !strings.Contains(err.Error(), ragged) {
		t.Errorf("ReadCSV of a ragged file = %v, want an error naming it", err)
	}
	if i, err := Column(streamHeader, "value", "f.csv"); i != 2 || err != nil {
		t.Errorf("Column(value) = %d, %v", i, err)
	}
	if _, err := Column(streamHeader, "nope", "f.csv"); err == nil || !strings.Contains(err.Error(), "f.csv") ||
		!strings.Contains(err.Error(), "point,rep,value") {
		t.Errorf("Column(nope) = %v, want an error naming the file and its columns", err)
	}
}

// TestTruncateKeepsFieldsWithLineBreaks: a field holding "\r\n" (which the
// CSV reader returns as "\n") survives a resume.
func TestTruncateKeepsFieldsWithLineBreaks(t *testing.T) {
	dir := t.TempDir()
	header := []string{"k", "v"}
	s, err := CreateStream(dir, "runs.csv", header)
	if err != nil {
		t.Fatal(err)
	}
	rows := [][]string{{"x\r\ny", "1"}, {"z", "2"}}
	if err := s.WriteJob(rows); err != nil {
		t.Fatal(err)
	}
	s.Close(false)
	r, got, err := ResumeStream(dir, "runs.csv", header)
	if err != nil || len(got) != 2 {
		t.Fatalf("resume: %v rows, err %v", len(got), err)
	}
	if err := r.Truncate(header, got); err != nil {
		t.Fatal(err)
	}
	r.Close(false)
	_, again, err := ResumeStream(dir, "runs.csv", header)
	if err != nil || len(again) != 2 || again[1][0] != "z" || again[1][1] != "2" {
		t.Fatalf("after truncate: %q, err %v; want both rows", again, err)
	}
}
