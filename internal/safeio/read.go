// Package safeio is meshready's one input policy and its one atomic writer.
//
// Every file meshready reads that a change can supply (policies,
// configuration, values files named by the configuration, baselines, schema
// references) goes through ReadFile: it must lie inside its root (symlinks
// resolved) unless the run allows leaving it, be a regular file (no device,
// FIFO, socket or /proc, /sys file), and fit its size cap. A refusal is one
// error naming the file and the rule it broke.
package safeio

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// Input is the policy for one kind of input file.
type Input struct {
	// What names the kind of file in errors: "policy", "baseline", ...
	What string
	// Root bounds where the file may be, symlinks resolved ("" = anywhere).
	Root string
	// AllowOutside lifts the Root bound (--allow-outside-root).
	AllowOutside bool
	// OptIn, when set, is the flag errors suggest for lifting the bound.
	OptIn string
	// Max is the size cap in bytes (required).
	Max int64
}

// ErrRefused is wrapped by every refusal of the input policy.
var ErrRefused = errors.New("refused by the input policy")

// Refusal is a file the policy refused: the file and the rule it broke.
type Refusal struct {
	What, Path, Rule string
}

func (r *Refusal) Error() string {
	if r.What == "" {
		return fmt.Sprintf("%s: %s", r.Path, r.Rule)
	}
	return fmt.Sprintf("%s %s: %s", r.What, r.Path, r.Rule)
}

func (r *Refusal) Unwrap() error { return ErrRefused }

// Check applies the policy to path without reading it and returns the
// resolved path (symlinks followed).
func (in Input) Check(path string) (string, error) {
	refuse := func(format string, a ...any) (string, error) {
		return "", &Refusal{What: in.What, Path: path, Rule: fmt.Sprintf(format, a...)}
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return refuse("%v", err)
	}
	lst, err := os.Lstat(abs)
	if err != nil {
		return refuse("%v", shortPathErr(err))
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return refuse("%v", shortPathErr(err))
	}
	if in.Root != "" && !in.AllowOutside {
		root, err := filepath.Abs(in.Root)
		if err == nil {
			if r, e := filepath.EvalSymlinks(root); e == nil {
				root = r
			}
		}
		if err != nil || !Inside(root, real) {
			how := "the file"
			if lst.Mode()&os.ModeSymlink != 0 {
				how = "its symlink target"
			}
			if in.OptIn != "" {
				return refuse("%s leaves %s (use %s to permit)", how, in.Root, in.OptIn)
			}
			return refuse("%s leaves %s", how, in.Root)
		}
	}
	if special(real) {
		return refuse("a file of the kernel's /proc or /sys, not a regular file")
	}
	st, err := os.Stat(real)
	if err != nil {
		return refuse("%v", shortPathErr(err))
	}
	if !st.Mode().IsRegular() {
		return refuse("not a regular file (%s)", kind(st.Mode()))
	}
	if in.Max > 0 && st.Size() > in.Max {
		return refuse("%d bytes is larger than the %d byte limit", st.Size(), in.Max)
	}
	return real, nil
}

// ReadFile reads path under the policy. The file is opened without blocking
// and checked again once open, so a file swapped for a FIFO or a device
// between the check and the read is still refused; the read stops at Max.
func (in Input) ReadFile(path string) ([]byte, error) {
	real, err := in.Check(path)
	if err != nil {
		return nil, err
	}
	refuse := func(format string, a ...any) ([]byte, error) {
		return nil, &Refusal{What: in.What, Path: path, Rule: fmt.Sprintf(format, a...)}
	}
	f, err := os.OpenFile(real, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return refuse("%v", shortPathErr(err))
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return refuse("not a regular file")
	}
	max := in.Max
	if max <= 0 {
		max = 1 << 30
	}
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return refuse("%v", shortPathErr(err))
	}
	if int64(len(b)) > max {
		return refuse("larger than the %d byte limit", max)
	}
	return b, nil
}

// Inside reports whether p lies within root (both absolute and clean).
func Inside(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, "../") && !filepath.IsAbs(rel)
}

func special(p string) bool {
	for _, d := range []string{"/proc", "/sys", "/dev"} {
		if p == d || strings.HasPrefix(p, d+"/") {
			return true
		}
	}
	return false
}

func kind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&os.ModeNamedPipe != 0:
		return "a FIFO"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeDevice != 0:
		return "a device"
	}
	return m.Type().String()
}

// shortPathErr drops the path from an *os.PathError: the caller names it.
func shortPathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// RepoRoot is the nearest folder at or above dir holding .git, or "" when
// there is none.
func RepoRoot(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		if d == filepath.Dir(d) {
			return ""
		}
	}
}

// MaxValuesBytes bounds a values file: -f/--values, --set-file, an
// --umbrella chart's values.yaml, and the values files the configuration
// names.
const MaxValuesBytes = 4 << 20
