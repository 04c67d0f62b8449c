package rules

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/meshready/meshready/internal/finding"
)

// DocBase is where rule documentation lives; a rule's anchor is its id.
const DocBase = "https://github.com/meshready/meshready/blob/main/docs/rules.md#"

var ruleID = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// readMetadata collects the package-scope METADATA of every rule package
// under meshready.rules, keyed by the package's last segment.
func readMetadata(c *ast.Compiler) (map[string]finding.Rule, error) {
	out := map[string]finding.Rule{}
	ids := map[string]string{}
	for _, ref := range c.GetAnnotationSet().Flatten() {
		a := ref.Annotations
		if a == nil || a.Scope != "package" {
			continue
		}
		pkg := strings.TrimPrefix(ref.Path.String(), "data.")
		name, ok := strings.CutPrefix(pkg, RulesPackage+".")
		if !ok || strings.Contains(name, ".") {
			continue
		}
		file := ""
		if a.Location != nil {
			file = a.Location.File
		}
		r := finding.Rule{
			Title:       a.Title,
			Description: strings.TrimSpace(a.Description),
			Source:      file,
			ID:          str(a.Custom["id"]),
			Severity:    finding.Severity(str(a.Custom["severity"])),
			Family:      str(a.Custom["family"]),
			Remediation: strings.TrimSpace(str(a.Custom["remediation"])),
		}
		if r.ID == "" {
			return nil, fmt.Errorf("%s: package %s: METADATA needs custom.id", file, pkg)
		}
		if !ruleID.MatchString(r.ID) {
			return nil, fmt.Errorf("%s: rule id %q is not kebab-case", file, r.ID)
		}
		if _, ok := finding.ParseSeverity(string(r.Severity)); !ok {
			return nil, fmt.Errorf("%s: rule %s: custom.severity %q is not error, warning or info", file, r.ID, r.Severity)
		}
		if prev, dup := ids[r.ID]; dup {
			return nil, fmt.Errorf("%s: rule id %s is already defined in %s", file, r.ID, prev)
		}
		ids[r.ID] = file
		r.DocURL = DocBase + r.ID
		out[name] = r
	}
	return out, nil
}

func str(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}
