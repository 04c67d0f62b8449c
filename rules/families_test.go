package rules

import (
	"context"
	"strings"
	"testing"

	"github.com/meshready/meshready/internal/finding"
)

// TestFamilies: families come from their packages' METADATA, in
// custom.order; bad declarations fail New with the file named.
func TestFamilies(t *testing.T) {
	fam := func(id, title, order string) string {
		return "# METADATA\n# title: " + title + "\n# custom:\n#   family: " + id + "\n#   order: " + order + "\npackage meshready.families." + id + "\n"
	}
	e, err := New(context.Background(), src(map[string]string{
		"b.rego": fam("b", "Bees", "1"), "a.rego": fam("a", "Ants", "2"), "c.rego": fam("c", "Cats", "1"),
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := []finding.Family{{ID: "b", Title: "Bees", Order: 1}, {ID: "c", Title: "Cats", Order: 1}, {ID: "a", Title: "Ants", Order: 2}}
	if got := e.Families(); len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("Families() = %+v, want %+v", got, want)
	}
	for _, c := range []struct{ name, text, want string }{
		{"order not a number", fam("a", "Ants", "first"), `custom.order "first" is not a whole number`},
		{"no title", strings.Replace(fam("a", "Ants", "1"), "# title: Ants\n", "", 1), "needs a title"},
		{"family id differs", strings.Replace(fam("a", "Ants", "1"), "family: a", "family: b", 1), `custom.family is "b", want "a"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := New(context.Background(), src(map[string]string{"f.rego": c.text}))
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "f.rego") {
				t.Errorf("got %v, want an error naming f.rego with %q", err, c.want)
			}
		})
	}
}

// TestBuiltinFamilies: the built-in policies declare the four families in
// the order a chart becomes mesh-ready, and every built-in rule's family is
// declared.
func TestBuiltinFamilies(t *testing.T) {
	e, err := NewDefault(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	declared := map[string]bool{}
	for _, f := range e.Families() {
		ids = append(ids, f.ID)
		declared[f.ID] = true
	}
	if got := strings.Join(ids, ","); got != "injection,ports,tracing,mtls" {
		t.Errorf("families %s, want injection,ports,tracing,mtls", got)
	}
	for _, r := range e.Rules() {
		if !declared[r.Family] {
			t.Errorf("rule %s: family %q is not declared by a package %s.%s", r.ID, r.Family, FamiliesPackage, r.Family)
		}
	}
}
