package fix

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/meshready/meshready/internal/safeio"
)

// FileChange is one file the run rewrites.
type FileChange struct {
	Path string
	Old  []byte
	New  []byte
}

// ErrInterrupted reports a write phase stopped by SIGINT, SIGTERM or
// SIGHUP: every file was rolled back.
var ErrInterrupted = errors.New("interrupted: every file was left as it was")

// renameFile is os.Rename; tests replace it to fail part way.
var renameFile = os.Rename

// notifySignals is signal.Notify; tests wrap it to see the signal arrive.
var notifySignals = signal.Notify

// Leftovers receives the temporary files of an earlier, killed run that
// WriteAll removed (the CLI says so on stderr); nil ignores them.
var Leftovers func(paths []string)

// WriteAll writes the changes all-or-nothing. It takes a lock on the
// folders it writes (a second meshready run writing there is refused, not
// interleaved), removes the temporaries a killed run left there, checks
// under the lock that every file still holds what was planned from, writes
// each new content to a temporary file beside it (same mode, synced), and
// renames the temporaries over the originals, checking each file again
// just before its rename. A failure, a file changed meanwhile, or a SIGINT,
// SIGTERM or SIGHUP part way renames the in-memory originals back over the
// files already replaced and removes every temporary, so the tree is left
// as it was. Symlinks and read-only files are refused before anything is
// written (safeio.Writable). Before the first rename it records the write
// phase in a journal in journalDir ("" = the deepest folder holding every
// file), also locked, and removes it after the last: a run killed in
// between leaves it, and Recover (called first here) rolls that write back.
func WriteAll(journalDir string, changes []FileChange) error {
	sig := make(chan os.Signal, 1)
	notifySignals(sig, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sig)
	interrupted := func() bool {
		select {
		case <-sig:
			return true
		default:
			return false
		}
	}

	if journalDir == "" {
		journalDir = commonDir(changes)
	}
	if err := Recover(journalDir); err != nil {
		return fmt.Errorf("%w; nothing was written", err)
	}
	dirs := make([]string, len(changes))
	for i, c := range changes {
		dirs[i] = filepath.Dir(c.Path)
	}
	unlock, err := safeio.Lock(append(dirs, journalDir))
	if err != nil {
		return err
	}
	defer unlock()
	if removed, err := safeio.CleanLeftovers(dirs); err != nil {
		return fmt.Errorf("removing the temporary files of an earlier run: %w; nothing was written", err)
	} else if len(removed) > 0 && Leftovers != nil {
		Leftovers(removed)
	}

	temps := make([]string, len(changes))
	cleanup := func() {
		for _, t := range temps {
			if t != "" {
				os.Remove(t)
			}
		}
	}
	for i, c := range changes {
		perm, err := safeio.Writable(c.Path)
		if err != nil {
			cleanup()
			return fmt.Errorf("%w; nothing was written", err)
		}
		if err := unchanged(c); err != nil {
			cleanup()
			return fmt.Errorf("%w; nothing was written", err)
		}
		t, err := safeio.WriteTemp(c.Path, perm, func(w io.Writer) error { _, err := w.Write(c.New); return err })
		if err != nil {
			cleanup()
			return fmt.Errorf("%s: %w; nothing was written", c.Path, err)
		}
		temps[i] = t
		if interrupted() {
			cleanup()
			return ErrInterrupted
		}
	}
	if err := writeJournal(journalDir, changes, temps); err != nil {
		cleanup()
		return fmt.Errorf("writing the journal: %w; nothing was written", err)
	}
	for i, c := range changes {
		var err error
		if interrupted() {
			err = ErrInterrupted
		} else if err = unchanged(c); err == nil {
			if err = renameFile(temps[i], c.Path); err == nil {
				temps[i] = ""
				killAfterRename(i + 1)
				continue
			}
		}
		cleanup()
		if rb := rollback(changes[:i]); rb != nil {
			// the journal stays: the next run retries the rollback
			return fmt.Errorf("%s: %w; rolling back failed: %v", c.Path, err, rb)
		}
		removeJournal(journalDir)
		if errors.Is(err, ErrInterrupted) {
			return err
		}
		return fmt.Errorf("%s: %w; every file was left as it was", c.Path, err)
	}
	for _, d := range uniq(dirs) {
		safeio.SyncDir(d)
	}
	removeJournal(journalDir)
	return nil
}

// unchanged checks that a file still holds what the run planned from.
func unchanged(c FileChange) error {
	cur, err := os.ReadFile(c.Path)
	if err != nil {
		return err
	}
	if !bytes.Equal(cur, c.Old) {
		return fmt.Errorf("%s changed on disk since it was read", c.Path)
	}
	return nil
}

// rollback puts the original contents back, newest first.
func rollback(done []FileChange) error {
	var errs []error
	for i := len(done) - 1; i >= 0; i-- {
		c := done[i]
		perm, err := safeio.Writable(c.Path)
		if err == nil {
			var t string
			t, err = safeio.WriteTemp(c.Path, perm, func(w io.Writer) error { _, err := w.Write(c.Old); return err })
			if err == nil {
				if err = renameFile(t, c.Path); err != nil {
					os.Remove(t)
				}
			}
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", c.Path, err))
		}
	}
	return errors.Join(errs...)
}
