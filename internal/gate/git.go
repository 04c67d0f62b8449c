package gate

import (
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
	"strconv"
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

// ReadList reads a list of changed files as CI systems and git write them:
// one path per line (git diff --name-only, whose C-quoted names for
// unusual characters are decoded), or NUL-separated (git diff -z: a list
// holding a NUL byte is read that way, verbatim). Paths are relative to
// root (the repository's top level); absolute paths inside root are
// accepted, "./" prefixes and CRLF line ends too. In a line list, blank
// lines and lines starting with '#' are skipped.
func ReadList(r io.Reader, name, root string) (*Change, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxListBytes+1))
	if err != nil {
		return nil, fmt.Errorf("--changed-files %s: %w", name, err)
	}
	if len(data) > MaxListBytes {
		return nil, fmt.Errorf("--changed-files %s: larger than the %d byte limit", name, MaxListBytes)
	}
	entries, err := splitList(data)
	if err != nil {
		return nil, fmt.Errorf("--changed-files %s:%w", name, err)
	}
	var files []string
	for _, e := range entries {
		line := e.path
		p := filepath.ToSlash(line)
		if filepath.IsAbs(line) {
			rel, err := filepath.Rel(root, resolve(line))
			if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				return nil, fmt.Errorf("--changed-files %s:%d: %s is outside the repository %s", name, e.n, line, root)
			}
			p = filepath.ToSlash(rel)
		}
		if c := path.Clean(p); c == ".." || strings.HasPrefix(c, "../") {
			return nil, fmt.Errorf("--changed-files %s:%d: %s leaves the repository (paths are relative to its top level %s)", name, e.n, line, root)
		}
		files = append(files, p)
	}
	return &Change{Root: root, Files: normalize(files), Source: name}, nil
}

// listEntry is one path of a list and its line (or NUL-separated entry) number.
type listEntry struct {
	path string
	n    int
}

// splitList cuts a --changed-files list into paths; errors start with the
// line number (":N: ...") or a space.
func splitList(data []byte) ([]listEntry, error) {
	var out []listEntry
	if bytes.IndexByte(data, 0) >= 0 {
		// git diff -z: names verbatim, no quoting, no comments.
		for i, f := range bytes.Split(data, []byte{0}) {
			if len(f) > 0 {
				out = append(out, listEntry{string(f), i + 1})
			}
		}
		return out, nil
	}
	for i, l := range strings.Split(string(data), "\n") {
		line := strings.TrimSpace(l)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, `"`) {
			u, err := UnquoteC(line)
			if err != nil {
				return nil, fmt.Errorf("%d: %w", i+1, err)
			}
			line = u
		}
		out = append(out, listEntry{line, i + 1})
	}
	return out, nil
}

// UnquoteC decodes a path as git quotes it when core.quotePath is on (the
// default) and the name holds a byte outside printable ASCII, a quote or a
// backslash: the name in double quotes with C escapes (\a \b \t \n \v \f
// \r \" \\ and three-digit octal bytes). See git's quote.c, quote_c_style.
func UnquoteC(s string) (string, error) {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return "", fmt.Errorf("%s: a quoted path must start and end with a double quote", strconv.Quote(s))
	}
	in := s[1 : len(s)-1]
	var b strings.Builder
	for i := 0; i < len(in); i++ {
		c := in[i]
		if c == '"' {
			return "", fmt.Errorf("%s: unescaped double quote inside a quoted path", strconv.Quote(s))
		}
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(in) {
			return "", fmt.Errorf("%s: quoted path ends in a backslash", strconv.Quote(s))
		}
		switch e := in[i]; e {
		case 'a':
			b.WriteByte(7)
		case 'b':
			b.WriteByte(8)
		case 't':
			b.WriteByte(9)
		case 'n':
			b.WriteByte(10)
		case 'v':
			b.WriteByte(11)
		case 'f':
			b.WriteByte(12)
		case 'r':
			b.WriteByte(13)
		case '"', '\\':
			b.WriteByte(e)
		case '0', '1', '2', '3':
			if i+2 >= len(in) || !isOctal(in[i+1]) || !isOctal(in[i+2]) {
				return "", fmt.Errorf("%s: bad octal escape in a quoted path", strconv.Quote(s))
			}
			b.WriteByte((e-'0')<<6 | (in[i+1]-'0')<<3 | (in[i+2] - '0'))
			i += 2
		default:
			return "", fmt.Errorf("%s: unknown escape \\%c in a quoted path", strconv.Quote(s), e)
		}
	}
	return b.String(), nil
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

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
