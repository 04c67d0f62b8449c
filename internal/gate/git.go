package gate

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// Change is what a change touches: files relative to the repository's top
// level, slash-separated, as git names them.
type Change struct {
	// Root is the repository's top level (absolute).
	Root string
	// Files are sorted and unique.
	Files []string
	// Source says where the list came from, for messages
	// ("git diff HEAD~1...HEAD", "changes.txt").
	Source string
}

// Set is the change's files as a set, for report.Options.ChangedFiles.
func (c *Change) Set() map[string]bool {
	m := make(map[string]bool, len(c.Files))
	for _, f := range c.Files {
		m[f] = true
	}
	return m
}

// git runs git in dir and returns its stdout; errors carry git's stderr.
func git(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
	// A user's pager, external diff or colour settings must not reach a
	// machine-read output.
	cmd.Env = append(os.Environ(), "GIT_PAGER=cat", "GIT_EXTERNAL_DIFF=", "LC_ALL=C")
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if errors.Is(err, exec.ErrNotFound) {
			msg = "git is not installed (or not on PATH)"
		} else if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("git %s (in %s): %s", strings.Join(args, " "), dir, msg)
	}
	return out.Bytes(), nil
}

// Toplevel is the top level of the git work tree holding dir (a file's
// folder when dir is a file), with symlinks resolved.
func Toplevel(ctx context.Context, dir string) (string, error) {
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		dir = filepath.Dir(dir)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	out, err := git(ctx, abs, "rev-parse", "--show-toplevel")
	if err != nil {
		return "", err
	}
	top := strings.TrimSpace(string(out))
	if real, err := filepath.EvalSymlinks(top); err == nil {
		top = real
	}
	return top, nil
}

// Diff lists the files changed between the merge base of rev and HEAD, and
// HEAD (git diff rev...HEAD): what a review of HEAD shows. Renames count as
// a deletion and an addition, so a file moved out of a chart selects it too.
func Diff(ctx context.Context, root, rev string) (*Change, error) {
	if rev == "" || strings.HasPrefix(rev, "-") {
		return nil, fmt.Errorf("--changed-from %q: want a git revision (e.g. HEAD~1, origin/master)", rev)
	}
	spec := rev + "...HEAD"
	out, err := git(ctx, root, "diff", "--name-only", "--no-renames", "--no-ext-diff", "-z", spec, "--")
	if err != nil {
		return nil, err
	}
	var files []string
	for _, f := range bytes.Split(out, []byte{0}) {
		if len(f) > 0 {
			files = append(files, string(f))
		}
	}
	return &Change{Root: root, Files: normalize(files), Source: "git diff " + spec}, nil
}

// MaxListBytes bounds a --changed-files list.
const MaxListBytes = 16 << 20

// ReadList reads a list of changed files, one per line, as CI systems write
// them. Paths are relative to root (the repository's top level); absolute
// paths inside root are accepted, "./" prefixes and CRLF line ends too.
// Blank lines and lines starting with '#' are skipped.
func ReadList(r io.Reader, name, root string) (*Change, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxListBytes+1))
	if err != nil {
		return nil, fmt.Errorf("--changed-files %s: %w", name, err)
	}
	if len(data) > MaxListBytes {
		return nil, fmt.Errorf("--changed-files %s: larger than the %d byte limit", name, MaxListBytes)
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, fmt.Errorf("--changed-files %s: NUL bytes: want one path per line (git diff --name-only, without -z)", name)
	}
	var files []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), MaxListBytes)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p := filepath.ToSlash(line)
		if filepath.IsAbs(line) {
			rel, err := filepath.Rel(root, resolve(line))
			if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				return nil, fmt.Errorf("--changed-files %s:%d: %s is outside the repository %s", name, n, line, root)
			}
			p = filepath.ToSlash(rel)
		}
		if c := path.Clean(p); c == ".." || strings.HasPrefix(c, "../") {
			return nil, fmt.Errorf("--changed-files %s:%d: %s leaves the repository (paths are relative to its top level %s)", name, n, line, root)
		}
		files = append(files, p)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("--changed-files %s: %w", name, err)
	}
	return &Change{Root: root, Files: normalize(files), Source: name}, nil
}

// resolve follows symlinks of a path's existing folder (the file itself may
// be gone: a change can delete it).
func resolve(p string) string {
	if real, err := filepath.EvalSymlinks(p); err == nil {
		return real
	}
	if real, err := filepath.EvalSymlinks(filepath.Dir(p)); err == nil {
		return filepath.Join(real, filepath.Base(p))
	}
	return p
}

func normalize(files []string) []string {
	out := make([]string, 0, len(files))
	for _, f := range files {
		out = append(out, path.Clean(filepath.ToSlash(f)))
	}
	slices.Sort(out)
	return slices.Compact(out)
}
