package fix

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
)

// FileChange is one file the run rewrites.
type FileChange struct {
	Path string
	Old  []byte
	New  []byte
}

// ErrInterrupted reports a write phase stopped by SIGINT or SIGTERM: every
// file was rolled back.
var ErrInterrupted = errors.New("interrupted: every file was left as it was")

// renameFile is os.Rename; tests replace it to fail part way.
var renameFile = os.Rename

// notifySignals is signal.Notify; tests wrap it to see the signal arrive.
var notifySignals = signal.Notify

// WriteAll writes the changes all-or-nothing: each new content goes to a
// temporary file in the file's own folder (same mode), then the temporaries
// are renamed over the originals. A failure or a SIGINT/SIGTERM part way
// renames the in-memory originals back over the files already replaced and
// removes every temporary, so the tree is left as it was.
func WriteAll(changes []FileChange) error {
	sig := make(chan os.Signal, 1)
	notifySignals(sig, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sig)
	interrupted := func() bool {
		select {
		case <-sig:
			return true
		default:
			return false
		}
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
		cur, err := os.ReadFile(c.Path)
		if err != nil {
			cleanup()
			return err
		}
		if !bytes.Equal(cur, c.Old) {
			cleanup()
			return fmt.Errorf("%s changed on disk since it was read; nothing was written", c.Path)
		}
		t, err := writeTemp(c.Path, c.New)
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
	for i, c := range changes {
		var err error
		if interrupted() {
			err = ErrInterrupted
		} else if err = renameFile(temps[i], c.Path); err == nil {
			temps[i] = ""
			continue
		}
		cleanup()
		if rb := rollback(changes[:i]); rb != nil {
			return fmt.Errorf("%s: %w; rolling back failed: %v", c.Path, err, rb)
		}
		if errors.Is(err, ErrInterrupted) {
			return err
		}
		return fmt.Errorf("%s: %w; every file was left as it was", c.Path, err)
	}
	return nil
}

// rollback puts the original contents back, newest first.
func rollback(done []FileChange) error {
	var errs []error
	for i := len(done) - 1; i >= 0; i-- {
		c := done[i]
		t, err := writeTemp(c.Path, c.Old)
		if err == nil {
			if err = renameFile(t, c.Path); err != nil {
				os.Remove(t)
			}
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", c.Path, err))
		}
	}
	return errors.Join(errs...)
}

// writeTemp writes data to a new temporary file beside path, with path's
// permission bits, and returns its name.
func writeTemp(path string, data []byte) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".meshready-*")
	if err != nil {
		return "", err
	}
	name := f.Name()
	fail := func(err error) (string, error) {
		f.Close()
		os.Remove(name)
		return "", err
	}
	if _, err := f.Write(data); err != nil {
		return fail(err)
	}
	if err := f.Chmod(st.Mode().Perm()); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(name)
		return "", err
	}
	return name, nil
}
