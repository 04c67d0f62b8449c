package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/meshready/meshready/internal/testutil"
	"github.com/meshready/meshready/transform/fix"
)

// TestFixWriteJournalRecovers: a fix --write killed with SIGKILL between
// two renames (the test hook fix.KillAfterRenamesEnv) leaves a mixed tree
// and its journal; the next fix run, a dry run, rolls the write back, says
// so on stderr, and the tree is as before; the run after it finds nothing
// to recover.
func TestFixWriteJournalRecovers(t *testing.T) {
	bin := testutil.Tool(t, "meshready")
	if b := os.Getenv("MESHREADY_TEST_BIN"); b != "" {
		bin = b
	}
	dir := fixtureCopy(t, "charts")
	orig := snapshot(t, dir)
	run := func(env []string, args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), env...)
		var e bytes.Buffer
		cmd.Stderr = &e
		err := cmd.Run()
		return e.String(), err
	}

	stderr, err := run([]string{fix.KillAfterRenamesEnv + "=1"}, "fix", "--write", "charts")
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("want the write killed by SIGKILL after its first rename, got %v\n%s", err, stderr)
	}
	mid := snapshot(t, dir)
	changed, journals := 0, 0
	for p, b := range mid {
		if filepath.Base(p) == fix.JournalName {
			journals++
		} else if o, ok := orig[p]; ok && o != b {
			changed++
		}
	}
	if changed != 1 || journals != 1 {
		t.Fatalf("after the kill: %d files rewritten and %d journals, want 1 and 1 (a mixed tree the journal describes)", changed, journals)
	}

	stderr, _ = run(nil, "fix", "charts")
	if !strings.Contains(stderr, "an earlier fix --write was killed after 1 of") || !strings.Contains(stderr, "rolled back, restored") {
		t.Errorf("the next run does not say it rolled the write back:\n%s", stderr)
	}
	after := snapshot(t, dir)
	if len(after) != len(orig) {
		t.Errorf("%d files after recovery, want the %d of before (journal and temporaries removed)", len(after), len(orig))
	}
	for p, b := range orig {
		if after[p] != b {
			t.Errorf("%s differs from before the killed write", p)
		}
	}

	if stderr, _ = run(nil, "fix", "charts"); strings.Contains(stderr, "rolled back") {
		t.Errorf("a second recovery:\n%s", stderr)
	}
}
