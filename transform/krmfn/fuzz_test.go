package krmfn

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// FuzzResourceList: whatever arrives on stdin (a ResourceList, a manifest
// stream, garbage), the function exits 0, 1 or 2 and never panics; on
// success with a plain stream its output is a fixed point (a second run changes nothing).
func FuzzResourceList(f *testing.F) {
	for _, name := range []string{"resourcelist-input", "injection-label", "ports-prefix", "bad-duplicate-keys", "bad-malformed-yaml", "hostnetwork"} {
		if b, err := os.ReadFile(filepath.Join("testdata", "golden", name, "input.yaml")); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n"))
	f.Add([]byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- kind: Deployment\n  spec:\n    template: 5\n"))
	f.Add([]byte("kind: Service\nspec:\n  ports:\n  - port: 9300\n    name: http-transport\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		var out, errb bytes.Buffer
		code := Run(Options{Stdin: bytes.NewReader(in), Stdout: &out, Stderr: &errb, Context: context.Background()})
		if code != ExitOK && code != 1 && code != 2 {
			t.Fatalf("exit code %d", code)
		}
		// A ResourceList's functionConfig is not echoed in the output, so only
		// plain streams (default config both times) are checked for a fixed point.
		if code != ExitOK || out.Len() == 0 || bytes.Contains(in, []byte("ResourceList")) {
			return
		}
		var again, errb2 bytes.Buffer
		if c2 := Run(Options{Stdin: bytes.NewReader(out.Bytes()), Stdout: &again, Stderr: &errb2, Context: context.Background()}); c2 != ExitOK {
			t.Fatalf("the function's own output fails a second run (exit %d): %s", c2, errb2.String())
		}
		// the items must be a fixed point; results differ by design (the
		// first run reports what it changed)
		if a, b := itemsOf(t, out.Bytes()), itemsOf(t, again.Bytes()); a != b {
			t.Fatalf("not idempotent:\nfirst:\n%s\nsecond:\n%s", a, b)
		}
	})
}
