package resource

import (
	"testing"
)

// FuzzParse: any byte stream parses or fails with an error; never a panic,
// and every resource's field paths can be located.
func FuzzParse(f *testing.F) {
	f.Add([]byte("apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  ports:\n  - name: http\n    port: 80\n"))
	f.Add([]byte("---\n# Source: c/templates/x.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata:\n  a: 1\n  a: 2\n"))
	f.Add([]byte("a: &a [x, x]\nb: [*a, *a]\n"))
	f.Add([]byte("kind: Pod\r\nmetadata:\r\n  name: crlf\r\n"))
	f.Add([]byte("- just\n- a list\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := Parse("fuzz", data)
		if err != nil {
			return
		}
		for _, r := range rs {
			if r.Object == nil {
				t.Fatal("a parsed resource without an object")
			}
			Locate(r.Raw, "spec.ports[0].name")
			Locate(r.Raw, `metadata.annotations["sidecar.istio.io/inject"]`)
		}
	})
}

// FuzzParsePath: paths round-trip through FormatPath.
func FuzzParsePath(f *testing.F) {
	for _, s := range []string{"spec.ports[2].name", `metadata.annotations["a.b/c"]`, "a[0][1].b", "x[", `y["unterminated]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		segs, err := ParsePath(p)
		if err != nil {
			return
		}
		again, err := ParsePath(FormatPath(segs))
		if err != nil {
			t.Fatalf("FormatPath(%q) = %q does not parse: %v", p, FormatPath(segs), err)
		}
		if len(again) != len(segs) {
			t.Fatalf("round trip of %q changed the segments: %v vs %v", p, segs, again)
		}
	})
}
