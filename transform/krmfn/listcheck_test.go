package krmfn

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/meshready/meshready/internal/resource"
)

// TestRunRefusesNonLists: input that is not a list of Kubernetes objects
// is bad input (exit 2), never an empty successful ResourceList (issue #20,
// item 19), and stdin past the stream limit is refused without reading it
// all (item 8).
func TestRunRefusesNonLists(t *testing.T) {
	head := "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n"
	for _, c := range []struct {
		name  string
		stdin io.Reader
		code  int
		want  string
	}{
		{"items: 42", strings.NewReader(head + "items: 42\n"), ExitBadInput, `items is "42", not a list of objects`},
		{"items: null", strings.NewReader(head + "items: null\n"), ExitBadInput, `items is "null"`},
		{"items: ~", strings.NewReader(head + "items: ~  # none\n"), ExitBadInput, `items is "~  # none"`},
		{"an item with no kind", strings.NewReader(head + "items:\n- metadata: {name: x}\n"), ExitBadInput, "document 1 has no kind"},
		{"a plain map with no kind", strings.NewReader("metadata: {name: x}\ndata: {a: b}\n"), ExitBadInput, "document 1 has no kind"},
		{"empty list", strings.NewReader(head + "items: []\n"), ExitOK, ""},
		{"too large", io.MultiReader(strings.NewReader("# "), bytes.NewReader(make([]byte, resource.MaxStreamBytes+10))), ExitBadInput, "larger than the 67108864 byte limit"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := Run(Options{Stdin: c.stdin, Stdout: &out, Stderr: &errb})
			if code != c.code || !strings.Contains(out.String()+errb.String(), c.want) {
				t.Errorf("exit %d, want %d with %q\nstdout: %.1000s\nstderr: %.1000s", code, c.code, c.want, out.String(), errb.String())
			}
		})
	}
}
