package safeio

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
)

// TempInfix marks meshready's temporary files: ".NAME.meshready-RANDOM"
// beside the file they replace. A run killed with SIGKILL can leave one;
// CleanLeftovers removes them on the next run.
const TempInfix = ".meshready-"

// defaultPerm is the mode of a file meshready creates, before the umask.
const defaultPerm fs.FileMode = 0o666

var umask = func() fs.FileMode {
	m := syscall.Umask(0)
	syscall.Umask(m)
	return fs.FileMode(m)
}()

// Writable says whether meshready may replace path and returns the mode
// the new content gets: the file's own mode, or 0666 less the umask for a
// new file. It refuses a symlink (replacing it would silently turn the link
// into a file; write to its target instead), anything but a regular file,
// and a read-only file (its owner did not mean it to change).
func Writable(path string) (fs.FileMode, error) {
	st, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return defaultPerm &^ umask, nil
	case err != nil:
		return 0, fmt.Errorf("%s: %w", path, shortPathErr(err))
	case st.Mode()&fs.ModeSymlink != 0:
		target, _ := os.Readlink(path)
		return 0, fmt.Errorf("%s is a symlink to %s: meshready does not replace a symlink with a file (name the target instead)", path, target)
	case !st.Mode().IsRegular():
		return 0, fmt.Errorf("%s is not a regular file (%s): meshready does not replace it", path, kind(st.Mode()))
	case st.Mode().Perm()&0o200 == 0:
		return 0, fmt.Errorf("%s is read-only: meshready does not rewrite a read-only file (make it writable first)", path)
	}
	return st.Mode().Perm(), nil
}

// WriteTemp writes what write produces to a new temporary file beside path
// with mode perm, synced to disk, and returns its name.
func WriteTemp(path string, perm fs.FileMode, write func(io.Writer) error) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+TempInfix+"*")
	if err != nil {
		return "", err
	}
	name := f.Name()
	fail := func(err error) (string, error) {
		f.Close()
		os.Remove(name)
		return "", err
	}
	if err := write(f); err != nil {
		return fail(err)
	}
	if err := f.Chmod(perm); err != nil {
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

// SyncDir makes a rename in dir durable.
func SyncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// WriteFile replaces path atomically with what write produces: a temporary
// file beside it (the file's mode kept, synced), renamed over it, the folder
// synced. It is the one writer for files in the user's tree: reports
// (--output-file, meshready report), baselines and fix --write.
func WriteFile(path string, write func(io.Writer) error) error {
	perm, err := Writable(path)
	if err != nil {
		return err
	}
	tmp, err := WriteTemp(path, perm, write)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("%s: %w", path, shortPathErr(err))
	}
	SyncDir(filepath.Dir(path))
	return nil
}

// Lock takes an exclusive advisory lock (flock) on each folder, so two
// meshready runs do not write the same tree at once; the kernel drops it if
// the process dies. A folder another run holds is an error naming it.
func Lock(dirs []string) (unlock func(), err error) {
	uniq := map[string]bool{}
	for _, d := range dirs {
		uniq[d] = true
	}
	sorted := make([]string, 0, len(uniq))
	for d := range uniq {
		sorted = append(sorted, d)
	}
	sort.Strings(sorted)
	var held []*os.File
	unlock = func() {
		for _, f := range held {
			syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
			f.Close()
		}
	}
	for _, d := range sorted {
		f, err := os.Open(d)
		if err != nil {
			unlock()
			return nil, fmt.Errorf("%s: %w", d, shortPathErr(err))
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			f.Close()
			unlock()
			if errors.Is(err, syscall.EWOULDBLOCK) {
				return nil, fmt.Errorf("%s: another meshready run is writing files in this folder; nothing was written (run again when it ends)", d)
			}
			return nil, fmt.Errorf("%s: lock: %w", d, err)
		}
		held = append(held, f)
	}
	return unlock, nil
}

// CleanLeftovers removes meshready's temporary files (".NAME.meshready-*")
// directly in each folder, left by a run that was killed, and returns what
// it removed. Call it holding the folders' Lock.
func CleanLeftovers(dirs []string) ([]string, error) {
	var removed []string
	seen := map[string]bool{}
	for _, d := range dirs {
		if seen[d] {
			continue
		}
		seen[d] = true
		ents, err := os.ReadDir(d)
		if err != nil {
			return removed, err
		}
		for _, e := range ents {
			n := e.Name()
			if !e.Type().IsRegular() || !strings.HasPrefix(n, ".") || !strings.Contains(n, TempInfix) {
				continue
			}
			p := filepath.Join(d, n)
			if err := os.Remove(p); err != nil {
				return removed, err
			}
			removed = append(removed, p)
		}
	}
	return removed, nil
}
