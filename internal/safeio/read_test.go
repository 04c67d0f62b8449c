package safeio

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "root")
	os.MkdirAll(filepath.Join(root, "sub"), 0o755)
	os.WriteFile(filepath.Join(root, "ok.rego"), []byte("package x"), 0o644)
	os.WriteFile(filepath.Join(root, "big.rego"), make([]byte, 2048), 0o644)
	os.WriteFile(filepath.Join(dir, "secret"), []byte("s3cret"), 0o644)
	os.Symlink(filepath.Join(dir, "secret"), filepath.Join(root, "out.rego"))
	os.Symlink("ok.rego", filepath.Join(root, "in.rego"))
	os.Symlink("/proc/self/environ", filepath.Join(root, "env.rego"))
	os.Symlink("/dev/zero", filepath.Join(root, "zero.rego"))
	if err := syscall.Mkfifo(filepath.Join(root, "fifo.rego"), 0o644); err != nil {
		t.Fatal(err)
	}
	in := Input{What: "policy", Root: root, Max: 1024, OptIn: "--allow-outside-root"}
	for _, c := range []struct {
		name, path, err string
		allow           bool
	}{
		{"regular file", "ok.rego", "", false},
		{"symlink inside", "in.rego", "", false},
		{"symlink out", "out.rego", "its symlink target leaves", false},
		{"symlink out allowed", "out.rego", "", true},
		{"relative path out", "sub/../../secret", "the file leaves", false},
		{"/proc", "env.rego", "/proc or /sys", true},
		{"device", "zero.rego", "/proc or /sys", true},
		{"FIFO", "fifo.rego", "not a regular file (a FIFO)", false},
		{"too large", "big.rego", "2048 bytes is larger than the 1024 byte limit", false},
		{"missing", "none.rego", "no such file", false},
		{"folder", "sub", "not a regular file (a folder)", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(root, c.path)
			i := in
			i.AllowOutside = c.allow
			b, err := i.ReadFile(p)
			if c.err == "" {
				if err != nil || len(b) == 0 {
					t.Fatalf("ReadFile: %q, %v", b, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.err) || !strings.HasPrefix(err.Error(), "policy "+p+": ") {
				t.Fatalf("error %v, want %q naming %s", err, c.err, p)
			}
			if strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "\n") {
				t.Errorf("the error leaks content or spans lines: %v", err)
			}
		})
	}
}
