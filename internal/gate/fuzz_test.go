package gate_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/meshready/meshready/internal/gate"
)

// FuzzReadList feeds the --changed-files reader arbitrary lists: it never
// panics, and every path it accepts stays inside the repository.
func FuzzReadList(f *testing.F) {
	for _, s := range []string{"a/b.yaml\n", "\"caf\\303\\251\"\n", "a\x00b\x00", "../x\n", "/etc/passwd\n", "\"\\q\"\n", "# c\r\n./x\n"} {
		f.Add([]byte(s))
	}
	root := "/repo"
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := gate.ReadList(bytes.NewReader(data), "list", root)
		if err != nil {
			if strings.Contains(err.Error(), "\n") && !bytes.Contains(data, []byte("\n")) && !bytes.Contains(data, []byte("\\n")) {
				t.Errorf("multi-line error: %v", err)
			}
			return
		}
		for _, p := range c.Files {
			if p == ".." || strings.HasPrefix(p, "../") || strings.HasPrefix(p, "/") {
				t.Errorf("accepted %q, outside the repository", p)
			}
		}
	})
}
