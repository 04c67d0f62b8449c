package rules

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/meshready/meshready/internal/finding"
)

// FamiliesPackage is the package prefix rule families are declared under:
// package meshready.families.<id>, with a package-scope METADATA giving
// the title and custom.order (policies/rules/<id>/family.rego).
const FamiliesPackage = "meshready.families"

// Families lists the rule families the loaded policies declare, by
// custom.order, then id.
func (e *Engine) Families() []finding.Family {
	fams, _ := readFamilies(e.compiler) // New has checked them
	return fams
}

// readFamilies reads the METADATA of every package under FamiliesPackage.
func readFamilies(c *ast.Compiler) ([]finding.Family, error) {
	var out []finding.Family
	seen := map[string]string{}
	for _, ref := range c.GetAnnotationSet().Flatten() {
		a := ref.Annotations
		if a == nil || a.Scope != "package" {
			continue
		}
		id, ok := strings.CutPrefix(strings.TrimPrefix(ref.Path.String(), "data."), FamiliesPackage+".")
		if !ok || strings.Contains(id, ".") {
			continue
		}
		file := ""
		if a.Location != nil {
			file = a.Location.File
		}
		f := finding.Family{ID: id, Title: a.Title}
		if v := str(a.Custom["family"]); v != id {
			return nil, fmt.Errorf("%s: package %s.%s: METADATA custom.family is %q, want %q", file, FamiliesPackage, id, v, id)
		}
		order, err := strconv.Atoi(str(a.Custom["order"]))
		if err != nil {
			return nil, fmt.Errorf("%s: family %s: custom.order %q is not a whole number", file, id, str(a.Custom["order"]))
		}
		f.Order = order
		if f.Title == "" {
			return nil, fmt.Errorf("%s: family %s: METADATA needs a title", file, id)
		}
		if prev, dup := seen[id]; dup {
			return nil, fmt.Errorf("%s: family %s is already declared in %s", file, id, prev)
		}
		seen[id] = file
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Order != out[j].Order {
			return out[i].Order < out[j].Order
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}
