package fix

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// plannedWeb copies the web fixture, gives one file an unusual mode, and
// plans its fix.
func plannedWeb(t *testing.T) (string, *Result) {
	t.Helper()
	dir := copyTree(t, filepath.Join(testdata(t), "charts", "web"))
	if err := os.Chmod(filepath.Join(dir, "values.yaml"), 0o640); err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), []string{dir}, testOptions(t, dir))
	if err != nil || res.Check != nil {
		t.Fatalf("run: %v / self-check: %v", err, res.Check)
	}
	if len(res.Files) < 3 {
		t.Fatalf("want at least 3 files to write, got %d", len(res.Files))
	}
	return dir, res
}

// failRename makes the n-th rename onto a planned file fail (or run hook first).
func failRename(t *testing.T, n int, hook func() error) {
	t.Helper()
	calls := 0
	renameFile = func(from, to string) error {
		if strings.Contains(filepath.Base(from), ".meshready-") {
			calls++
			if calls == n {
				if err := hook(); err != nil {
					return err
				}
			}
		}
		return os.Rename(from, to)
	}
	t.Cleanup(func() { renameFile = os.Rename })
}

func noTemps(t *testing.T, dir string) {
	t.Helper()
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.Contains(d.Name(), ".meshready-") {
			t.Errorf("temporary file left behind: %s", p)
		}
		return nil
	})
}

func TestWriteFailurePartWayLeavesTreeAsItWas(t *testing.T) {
	dir, res := plannedWeb(t)
	before := hashTree(t, dir)
	failRename(t, 2, func() error { return &os.LinkError{Op: "rename", Err: syscall.EROFS} })
	err := res.Write()
	if err == nil || !strings.Contains(err.Error(), "every file was left as it was") {
		t.Fatalf("Write = %v, want a failure that says the files were left alone", err)
	}
	if after := hashTree(t, dir); after != before {
		t.Errorf("tree changed by a failed write:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	noTemps(t, dir)
}

// TestWriteInterruptedRollsBack: SIGINT, SIGTERM's twin, and SIGHUP (the
// terminal closed) arriving during the renames roll every file back.
func TestWriteInterruptedRollsBack(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			dir, res := plannedWeb(t)
			before := hashTree(t, dir)
			// the signal arrives while the second file is being renamed into place
			var caught chan<- os.Signal
			notifySignals = func(c chan<- os.Signal, sigs ...os.Signal) { caught = c; signal.Notify(c, sigs...) }
			t.Cleanup(func() { notifySignals = signal.Notify })
			failRename(t, 2, func() error {
				if err := syscall.Kill(os.Getpid(), sig); err != nil {
					return err
				}
				// delivery is asynchronous: wait until the write phase has it
				for deadline := time.Now().Add(10 * time.Second); len(caught) == 0 && time.Now().Before(deadline); {
					time.Sleep(time.Millisecond)
				}
				return nil
			})
			err := res.Write()
			if !errors.Is(err, ErrInterrupted) {
				t.Fatalf("Write = %v, want ErrInterrupted", err)
			}
			if after := hashTree(t, dir); after != before {
				t.Errorf("tree changed by an interrupted write:\nbefore:\n%s\nafter:\n%s", before, after)
			}
			noTemps(t, dir)
		})
	}
}

func TestWriteKeepsModesAndRefusesConcurrentEdits(t *testing.T) {
	dir, res := plannedWeb(t)
	// someone edits a file between planning and writing: nothing is written
	svc := filepath.Join(dir, "templates", "service.yaml")
	orig, _ := os.ReadFile(svc)
	if err := os.WriteFile(svc, append(orig, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	before := hashTree(t, dir)
	if err := res.Write(); err == nil || !strings.Contains(err.Error(), "changed on disk") {
		t.Fatalf("Write = %v, want a refusal over the concurrent edit", err)
	}
	if hashTree(t, dir) != before {
		t.Error("files were written despite the concurrent edit")
	}
	noTemps(t, dir)
	if err := os.WriteFile(svc, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := res.Write(); err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Files {
		got, err := os.ReadFile(f.Path)
		if err != nil || !bytes.Equal(got, f.New) {
			t.Errorf("%s not written as planned (%v)", f.Path, err)
		}
	}
	st, err := os.Stat(filepath.Join(dir, "values.yaml"))
	if err != nil || st.Mode().Perm() != 0o640 {
		t.Errorf("values.yaml mode = %v, want 0640 kept", st.Mode())
	}
	noTemps(t, dir)
}

func TestWriteReadOnlyFolder(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root ignores folder permissions; TestWriteFailurePartWayLeavesTreeAsItWas covers the failure with a failing rename")
	}
	dir, res := plannedWeb(t)
	before := hashTree(t, dir)
	tpl := filepath.Join(dir, "templates")
	if err := os.Chmod(tpl, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(tpl, 0o755) })
	if err := res.Write(); err == nil {
		t.Fatal("Write into a read-only folder succeeded")
	}
	if hashTree(t, dir) != before {
		t.Error("tree changed by a failed write")
	}
	noTemps(t, dir)
}
