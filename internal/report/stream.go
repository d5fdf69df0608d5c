package report

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/rinsim/rinsim/internal/atomicdir"
	"github.com/rinsim/rinsim/internal/fault"
)

// PartialSuffix marks a streamed file that is still being written. A file
// without it is complete.
const PartialSuffix = ".partial"

// Stream appends CSV rows to DIR/NAME.partial as jobs finish, a whole job at
// a time, and renames the file to DIR/NAME when the experiment completes. A
// killed experiment leaves only the .partial file, which Resume reads back.
type Stream struct {
	path  string // the .partial file
	final string
	f     *os.File
	w     *csv.Writer
}

// CreateStream starts DIR/NAME.partial with the header, replacing any old one.
func CreateStream(dir, name string, header []string) (*Stream, error) {
	s := newStream(dir, name)
	f, err := os.Create(s.path)
	if err != nil {
		return nil, err
	}
	fault.At("created " + filepath.Base(s.path))
	s.f, s.w = f, csv.NewWriter(f)
	if err := s.w.Write(header); err != nil {
		f.Close()
		return nil, err
	}
	if err := s.flush(); err != nil {
		f.Close()
		return nil, err
	}
	fault.At("header " + filepath.Base(s.path))
	return s, nil
}

func newStream(dir, name string) *Stream {
	final := filepath.Join(dir, name)
	return &Stream{path: final + PartialSuffix, final: final}
}

// ResumeStream reads DIR/NAME.partial back and returns the stream and the
// whole rows it holds (header excluded); a row cut off by a kill is dropped,
// and a file killed before its header was complete holds no rows. The
// caller decides how many complete jobs the rows make and calls Truncate.
func ResumeStream(dir, name string, header []string) (*Stream, [][]string, error) {
	s := newStream(dir, name)
	data, err := os.ReadFile(s.path)
	if err != nil {
		return nil, nil, err
	}
	rows, err := completeRows(data, header, s.path)
	if err != nil {
		return nil, nil, err
	}
	return s, rows, nil
}

// completeRows parses the whole lines of a partial CSV file.
func completeRows(data []byte, header []string, path string) ([][]string, error) {
	i := bytes.LastIndexByte(data, '\n')
	if i < 0 && bytes.HasPrefix(headerLine(header), data) {
		return [][]string{}, nil // killed before the header was complete
	}
	data = data[:i+1] // empty if i < 0
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("resume %s: %w", path, err)
	}
	if len(recs) == 0 || !slices.Equal(recs[0], header) {
		return nil, fmt.Errorf("resume %s: its columns differ from this command's; use a new --out or --force", path)
	}
	return recs[1:], nil
}

func headerLine(header []string) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(header)
	w.Flush()
	return b.Bytes()
}

// Truncate replaces the file by one with the header and the given rows,
// then opens it for appending. Rewriting, rather than cutting at a computed
// length, keeps the file right whatever the fields contain; replacing it
// through a temporary file keeps the old rows if the process is killed.
func (s *Stream) Truncate(header []string, keep [][]string) error {
	err := atomicdir.ReplaceFile(s.path, func(w io.Writer) error {
		return WriteRows(w, header, func(emit func([]string) error) error {
			for _, r := range keep {
				if err := emit(r); err != nil {
					return err
				}
			}
			return nil
		})
	})
	if err != nil {
		return err
	}
	f, err := os.OpenFile(s.path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	s.f, s.w = f, csv.NewWriter(f)
	return nil
}

// Path is the file being written (NAME.partial).
func (s *Stream) Path() string { return s.path }

// WriteJob appends the rows of one job and flushes them to the file.
func (s *Stream) WriteJob(rows [][]string) error {
	if err := s.w.WriteAll(rows); err != nil {
		return err
	}
	if err := s.flush(); err != nil {
		return err
	}
	fault.At("job " + filepath.Base(s.path))
	return nil
}

func (s *Stream) flush() error {
	s.w.Flush()
	return s.w.Error()
}

// Close closes the file; with complete it syncs it and renames it to its
// final name.
func (s *Stream) Close(complete bool) error {
	if s.f == nil {
		return nil
	}
	err := s.flush()
	if complete && err == nil {
		err = s.f.Sync()
	}
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	s.f = nil
	if err != nil || !complete {
		return err
	}
	fault.At("synced " + filepath.Base(s.path))
	if err := os.Rename(s.path, s.final); err != nil {
		return err
	}
	fault.At("renamed " + filepath.Base(s.final))
	return nil
}

// ReadCSV reads a complete CSV file with its header.
func ReadCSV(path string) (header []string, rows [][]string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(bufio.NewReader(f)).ReadAll()
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(recs) == 0 {
		return nil, nil, errors.New("read " + path + ": empty file")
	}
	return recs[0], recs[1:], nil
}

// Column returns the index of name in header, or an error naming the file.
func Column(header []string, name, file string) (int, error) {
	if i := slices.Index(header, name); i >= 0 {
		return i, nil
	}
	return -1, fmt.Errorf("%s: no column %q (columns: %s)", file, name, strings.Join(header, ","))
}

// WriteRows writes a header and the rows produced by each.
func WriteRows(w io.Writer, header []string, each func(emit func([]string) error) error) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	if err := each(cw.Write); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}
