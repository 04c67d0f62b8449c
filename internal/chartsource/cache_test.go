package chartsource

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

func TestCache(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "values.yaml")
	if err := os.WriteFile(p, []byte("a: 1\r\nb: 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := NewCache()
	if got := c.Lines(p); !slices.Equal(got, []string{"a: 1", "b: 2", ""}) {
		t.Errorf("lines %q", got)
	}
	v := c.Values(p)
	if v == nil || v.Find([]any{"b"}).Value != "2" {
		t.Fatalf("values %+v", v)
	}
	if err := os.WriteFile(p, []byte("b: 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := c.Read(p); c.Values(p) != v || c.Lines(p)[0] != "a: 1" || err != nil || string(b) != "a: 1\r\nb: 2\n" {
		t.Error("a file is read more than once per cache")
	}
	if _, err := c.Read(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file: %v", err)
	}
	if c.Lines(filepath.Join(dir, "missing")) != nil || c.Template(filepath.Join(dir, "missing")) != nil || c.Values(filepath.Join(dir, "missing")) != nil {
		t.Error("a missing file reads as something")
	}
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, make([]byte, MaxSourceBytes+1), 0o644); err != nil {
		t.Fatal(err)
	}
	if c.Lines(big) != nil {
		t.Error("a file over MaxSourceBytes is read")
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("- a list\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if c.Values(bad) != nil {
		t.Error("a list is read as values")
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, make([]byte, MaxSourceBytes+1), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, path, want string
	}{
		{"a FIFO is refused, not read (it would block)", fifo, "not a regular file (a FIFO)"},
		{"over the size cap", big, "larger than the 8388608 byte limit"},
		{"missing", filepath.Join(dir, "none.yaml"), "no such file"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadFile(c.path)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), filepath.Base(c.path)) {
				t.Errorf("err %v, want one naming the file and %q", err, c.want)
			}
		})
	}
	if _, err := ReadFile(filepath.Join(dir, "none.yaml")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file: %v is not fs.ErrNotExist", err)
	}
	if NewCache().Lines(fifo) != nil {
		t.Error("the cache reads a FIFO")
	}
}
