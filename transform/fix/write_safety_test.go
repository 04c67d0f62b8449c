package fix

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meshready/meshready/internal/safeio"
)

// TestWriteRechecksAtRename: a file edited after the temporaries were
// written, while the renames run, is not overwritten: the run stops and
// rolls back (issue #20, item 13).
func TestWriteRechecksAtRename(t *testing.T) {
	dir, res := plannedWeb(t)
	last := res.Files[len(res.Files)-1].Path
	edited := []byte("# someone else's edit\n")
	failRename(t, 1, func() error { return os.WriteFile(last, edited, 0o644) })
	err := res.Write()
	if err == nil || !strings.Contains(err.Error(), "changed on disk since it was read") {
		t.Fatalf("Write = %v, want a refusal over the edit made during the write", err)
	}
	if got, _ := os.ReadFile(last); string(got) != string(edited) {
		t.Errorf("the concurrent edit was lost: %q", got)
	}
	for _, f := range res.Files[:len(res.Files)-1] {
		if got, _ := os.ReadFile(f.Path); string(got) != string(f.Old) {
			t.Errorf("%s was not rolled back", f.Path)
		}
	}
	noTemps(t, dir)
}

// TestWriteLockedByAnotherRun: while another run holds a folder, WriteAll
// refuses and writes nothing.
func TestWriteLockedByAnotherRun(t *testing.T) {
	dir, res := plannedWeb(t)
	before := hashTree(t, dir)
	var dirs []string
	for _, f := range res.Files {
		dirs = append(dirs, filepath.Dir(f.Path))
	}
	unlock, err := safeio.Lock(dirs[:1])
	if err != nil {
		t.Fatal(err)
	}
	err = res.Write()
	unlock()
	if err == nil || !strings.Contains(err.Error(), "another meshready run is writing") {
		t.Fatalf("Write = %v, want a refusal naming the lock", err)
	}
	if hashTree(t, dir) != before {
		t.Error("files written while another run held the lock")
	}
	if err := res.Write(); err != nil {
		t.Fatalf("after the lock was released: %v", err)
	}
}

// TestWriteCleansLeftovers: temporaries a killed run left are removed by
// the next run, which says so.
func TestWriteCleansLeftovers(t *testing.T) {
	dir, res := plannedWeb(t)
	left := filepath.Join(filepath.Dir(res.Files[0].Path), "."+filepath.Base(res.Files[0].Path)+".meshready-123456")
	os.WriteFile(left, []byte("half"), 0o600)
	var said []string
	Leftovers = func(p []string) { said = append(said, p...) }
	t.Cleanup(func() { Leftovers = nil })
	if err := res.Write(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(left); !errors.Is(err, os.ErrNotExist) || len(said) != 1 || said[0] != left {
		t.Errorf("leftover %s: stat %v, reported %q", left, err, said)
	}
	noTemps(t, dir)
}

// TestWriteRefusesSymlinksAndReadOnly: a symlinked or read-only file is
// refused before anything is written.
func TestWriteRefusesSymlinksAndReadOnly(t *testing.T) {
	for _, c := range []struct {
		name, want string
		prep       func(p string)
	}{
		{"symlink", "is a symlink", func(p string) {
			target := p + ".real"
			os.Rename(p, target)
			os.Symlink(filepath.Base(target), p)
		}},
		{"read-only", "is read-only", func(p string) { os.Chmod(p, 0o444) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir, res := plannedWeb(t)
			c.prep(res.Files[len(res.Files)-1].Path)
			before := hashTree(t, dir)
			if err := res.Write(); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Write = %v, want %q", err, c.want)
			}
			if hashTree(t, dir) != before {
				t.Error("tree changed")
			}
			noTemps(t, dir)
		})
	}
}
