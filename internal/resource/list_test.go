package resource

import (
	"fmt"
	"strings"
	"testing"

	"github.com/meshready/meshready/internal/testutil"
)

// TestParseFlattensLists: what Helm creates from a list document is its
// items, so Parse returns them as resources (issue #20, item 12).
func TestParseFlattensLists(t *testing.T) {
	for _, c := range []struct {
		name, in string
		want     []string // kind/name of each resource
		err      string
	}{
		{"kind List", "# Source: c/templates/l.yaml\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: a}\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: b, namespace: n}\n---\nkind: ConfigMap\nmetadata: {name: c}\n",
			[]string{"Service/a", "Deployment/n/b", "ConfigMap/c"}, ""},
		{"ServiceList", "apiVersion: v1\nkind: ServiceList\nitems:\n- kind: Service\n  metadata: {name: s}\n", []string{"Service/s"}, ""},
		{"nested list", "kind: List\nitems:\n- kind: List\n  items:\n  - kind: Secret\n    metadata: {name: x}\n", []string{"Secret/x"}, ""},
		{"empty and null items", "kind: List\nitems: []\n---\nkind: List\nitems: null\n", nil, ""},
		{"items not a list", "kind: List\nitems: 42\n", nil, "document at line 1: the List has items that are a int64"},
		{"item not an object", "kind: List\nitems:\n- 1\n", nil, "item 0 is a int64"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rs, err := Parse("s", []byte(c.in))
			if testutil.WantErr(t, err, c.err) {
				return
			}
			var got []string
			for i, r := range rs {
				got = append(got, r.Ref.String())
				if r.Index != i {
					t.Errorf("%s has index %d, want %d", r.Ref, r.Index, i)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("resources %v, want %v", got, c.want)
			}
			if len(rs) > 0 && c.name == "kind List" && rs[1].Source != "c/templates/l.yaml" {
				t.Errorf("an item lost its source: %q", rs[1].Source)
			}
		})
	}
}

// TestAliasBudgetCountsExpandedNodes: a small anchor-heavy stream whose
// aliases expand to millions of nodes is refused quickly (item 7), also
// when the expansion is spread over many documents.
func TestAliasBudgetCountsExpandedNodes(t *testing.T) {
	big := "kind: ConfigMap\nmetadata: {name: x}\na: &a [" + strings.Repeat("1,", 20000) + "1]\nb: [" + strings.Repeat("*a,", 500) + "*a]\n"
	if _, err := Parse("one", []byte(big)); err == nil || !strings.Contains(err.Error(), "aliases expand to more than") {
		t.Errorf("one document: %v", err)
	}
	doc := "kind: ConfigMap\nmetadata: {name: x}\na: &a [" + strings.Repeat("1,", 20000) + "1]\nb: [" + strings.Repeat("*a,", 40) + "*a]\n"
	stream := strings.Repeat(doc+"---\n", 30)
	if _, err := Parse("many", []byte(stream)); err == nil || !strings.Contains(err.Error(), "in the stream") {
		t.Errorf("spread over documents: %v", err)
	}
	if rs, err := Parse("ok", []byte(doc)); err != nil || len(rs) != 1 {
		t.Errorf("a modest use of aliases: %v", err)
	}
}

// FuzzFlattenList: a list document of any items flattens or fails with an
// error, never a panic; no resource returned is itself a list, and indexes
// count up from 0.
func FuzzFlattenList(f *testing.F) {
	f.Add([]byte("- kind: Service\n  metadata: {name: a}\n"))
	f.Add([]byte("- kind: List\n  items:\n  - kind: Pod\n"))
	f.Add([]byte("42"))
	f.Add([]byte("- &a {kind: X}\n- *a\n"))
	f.Fuzz(func(t *testing.T, items []byte) {
		doc := "kind: List\nitems:\n" + indent(string(items))
		rs, err := Parse("fuzz", []byte(doc))
		if err != nil {
			return
		}
		for i, r := range rs {
			if _, list := r.Object["items"]; list {
				t.Errorf("resource %d is still a list", i)
			}
			if r.Index != i || r.Object == nil {
				t.Errorf("resource %d: index %d, object %v", i, r.Index, r.Object)
			}
		}
	})
}

func indent(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = "  " + l
	}
	return strings.Join(lines, "\n")
}
