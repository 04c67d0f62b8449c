package safeio

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	put := func(p, s string) error {
		return WriteFile(p, func(w io.Writer) error { _, err := io.WriteString(w, s); return err })
	}
	existing := filepath.Join(dir, "report.txt")
	os.WriteFile(existing, []byte("old"), 0o644)
	if err := put(existing, "new"); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(existing); st.Mode().Perm() != 0o644 {
		t.Errorf("an existing 0644 file became %v", st.Mode().Perm())
	}
	fresh := filepath.Join(dir, "fresh.txt")
	if err := put(fresh, "x"); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(fresh); st.Mode().Perm() != 0o666&^umask {
		t.Errorf("a new file is %v, want %v", st.Mode().Perm(), 0o666&^umask)
	}
	target := filepath.Join(dir, "target.txt")
	os.WriteFile(target, []byte("t"), 0o644)
	link := filepath.Join(dir, "link.txt")
	os.Symlink("target.txt", link)
	ro := filepath.Join(dir, "ro.txt")
	os.WriteFile(ro, []byte("keep"), 0o444)
	for _, c := range []struct{ path, want string }{
		{link, "is a symlink to target.txt"},
		{ro, "is read-only"},
		{dir, "not a regular file"},
	} {
		if err := put(c.path, "overwrite"); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("WriteFile(%s) = %v, want %q", c.path, err, c.want)
		}
	}
	if b, _ := os.ReadFile(target); string(b) != "t" {
		t.Error("the symlink's target changed")
	}
	if st, _ := os.Lstat(link); st.Mode()&os.ModeSymlink == 0 {
		t.Error("the symlink was replaced")
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), TempInfix) {
			t.Errorf("temporary left: %s", e.Name())
		}
	}
}
