package fix

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/meshready/meshready/internal/safeio"
)

// JournalName is the write journal of fix --write, in the tree's root
// folder (charttree.TreeRoot of the first chart given). It lists every file
// the write phase replaces, the temporary file holding its new content,
// its old content and the hashes of both. It is written (atomically, synced)
// before the first rename and removed after the last: a run killed in
// between (kill -9, power loss) leaves it, and the next fix run on the tree
// rolls the interrupted write back (Recover). The name must not contain
// safeio.TempInfix, or CleanLeftovers would take it for a temporary.
const JournalName = ".meshready.fix-journal"

// Recovered receives the line saying what Recover did (the CLI prints it on
// stderr); nil ignores it.
var Recovered func(msg string)

type journal struct {
	Version int           `json:"version"`
	Files   []journalFile `json:"files"`
}

type journalFile struct {
	Path   string `json:"path"`
	Temp   string `json:"temp"`
	Old    []byte `json:"old"`
	OldSHA string `json:"oldSHA256"`
	NewSHA string `json:"newSHA256"`
}

func sha(b []byte) string { return fmt.Sprintf("%x", sha256.Sum256(b)) }

// writeJournal records the write phase about to start in dir.
func writeJournal(dir string, changes []FileChange, temps []string) error {
	j := journal{Version: 1}
	for i, c := range changes {
		j.Files = append(j.Files, journalFile{Path: c.Path, Temp: temps[i], Old: c.Old, OldSHA: sha(c.Old), NewSHA: sha(c.New)})
	}
	b, err := json.Marshal(j)
	if err != nil {
		return err
	}
	return safeio.WriteFile(filepath.Join(dir, JournalName), func(w io.Writer) error { _, err := w.Write(b); return err })
}

// removeJournal ends the write phase recorded in dir.
func removeJournal(dir string) {
	os.Remove(filepath.Join(dir, JournalName))
	safeio.SyncDir(dir)
}

// Recover rolls back a write phase that a killed fix --write left in dir:
// each listed file that holds the new content gets its old content back, a
// file that holds neither (edited since) is left alone and named, the
// temporaries are removed, then the journal. A journal whose folder
// another live run holds locked is that run's and is left alone. It says
// what it did through Recovered.
func Recover(dir string) error {
	p := filepath.Join(dir, JournalName)
	if _, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	unlock, err := safeio.Lock([]string{dir})
	if err != nil {
		return nil // a live run is writing: its journal is not a leftover
	}
	defer unlock()
	b, err := safeio.Input{What: "fix journal", Root: dir, Max: 256 << 20}.ReadFile(p)
	if err != nil {
		return fmt.Errorf("%w (remove it once the files it lists are checked)", err)
	}
	var j journal
	if err := json.Unmarshal(b, &j); err != nil || j.Version != 1 {
		return fmt.Errorf("fix journal %s: unreadable (%v): check the files of the last fix --write by hand, then remove it", p, err)
	}
	var restore []FileChange
	var kept, renamed []string
	for _, f := range j.Files {
		cur, err := os.ReadFile(f.Path)
		switch {
		case err != nil:
			kept = append(kept, f.Path+" ("+err.Error()+")")
		case sha(cur) == f.NewSHA && f.NewSHA != f.OldSHA:
			restore = append(restore, FileChange{Path: f.Path, Old: f.Old, New: cur})
			renamed = append(renamed, f.Path)
		case sha(cur) != f.OldSHA:
			kept = append(kept, f.Path+" (changed since)")
		}
		if f.Temp != "" && strings.Contains(filepath.Base(f.Temp), safeio.TempInfix) {
			os.Remove(f.Temp)
		}
	}
	if err := rollback(restore); err != nil {
		return fmt.Errorf("fix journal %s: rolling back the interrupted write failed: %w", p, err)
	}
	removeJournal(dir)
	if Recovered != nil {
		msg := fmt.Sprintf("an earlier fix --write was killed after %d of %d renames (journal %s): rolled back", len(renamed), len(j.Files), p)
		if len(renamed) > 0 {
			msg += ", restored " + strings.Join(renamed, ", ")
		}
		if len(kept) > 0 {
			msg += "; left alone, as they hold neither the old nor the new content: " + strings.Join(kept, ", ")
		}
		Recovered(msg)
	}
	return nil
}

// KillAfterRenamesEnv is a test hook, for tests only: when set to N, the
// write phase kills its own process with SIGKILL right after the N-th rename,
// to show that Recover repairs what kill -9 leaves. It is read only there.
const KillAfterRenamesEnv = "MESHREADY_TEST_KILL_AFTER_RENAMES"

func killAfterRename(n int) {
	if v := os.Getenv(KillAfterRenamesEnv); v != "" && v == strconv.Itoa(n) {
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {} // the signal ends the process
	}
}

// commonDir is the deepest folder holding every changed file.
func commonDir(changes []FileChange) string {
	if len(changes) == 0 {
		return "."
	}
	d := filepath.Dir(changes[0].Path)
	for _, c := range changes[1:] {
		for !safeio.Inside(d, filepath.Dir(c.Path)) && d != filepath.Dir(d) {
			d = filepath.Dir(d)
		}
	}
	return d
}
