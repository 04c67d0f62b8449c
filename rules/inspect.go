package rules

import (
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/meshready/meshready/internal/finding"
)

// RulePackage is one package directly below meshready.rules as the engine
// compiled it. Rules() cannot show a package without METADATA, one split
// over several files or one without findings; checks on a rule set can.
type RulePackage struct {
	Name     string       // the segment after meshready.rules.
	Files    []string     // the modules declaring the package, sorted
	Rule     finding.Rule // its metadata; ID is "" when it has no package METADATA
	Findings bool         // whether it defines findings, the set Evaluate reads
}

var findingsVar = ast.VarTerm("findings")

// Packages lists the compiled rule packages, sorted by name.
func (e *Engine) Packages() []RulePackage {
	byName := map[string]*RulePackage{}
	for file, m := range e.compiler.Modules {
		name, ok := strings.CutPrefix(strings.TrimPrefix(m.Package.Path.String(), "data."), RulesPackage+".")
		if !ok || strings.Contains(name, ".") {
			continue
		}
		p := byName[name]
		if p == nil {
			p = &RulePackage{Name: name, Rule: e.rules[name]}
			byName[name] = p
		}
		p.Files = append(p.Files, file)
		for _, r := range m.Rules {
			if r.Head.Ref()[0].Equal(findingsVar) {
				p.Findings = true
			}
		}
	}
	out := make([]RulePackage, 0, len(byName))
	for _, p := range byName {
		sort.Strings(p.Files)
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
