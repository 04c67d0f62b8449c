package rules

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/meshready/meshready/internal/finding"
)

// Select returns an engine that evaluates only the rules keep accepts (by
// id): the others are not evaluated at all, so a disabled rule cannot slow
// a chart down or run it past its time limit, and Rules does not list
// them. It shares e's compiled policies; when keep accepts every rule it
// returns e itself.
func (e *Engine) Select(ctx context.Context, keep func(id string) bool) (*Engine, error) {
	kept := map[string]finding.Rule{}
	for pkg, r := range e.rules {
		if keep(r.ID) {
			kept[pkg] = r
		}
	}
	if len(kept) == len(e.rules) {
		return e, nil
	}
	s := &Engine{rules: kept, Timeout: e.Timeout, compiler: e.compiler}
	for _, r := range e.ordered {
		if keep(r.ID) {
			s.ordered = append(s.ordered, r)
		}
	}
	var err error
	if s.query, s.own, err = s.prepareQueries(ctx, kept, false); err != nil {
		return nil, fmt.Errorf("preparing policies: %w", err)
	}
	return s, nil
}

// prepareFindings prepares the query that collects [package, finding]
// pairs from the rule packages given (every package under RulesPackage
// when pkgs is nil). With the package bound to a set of names, OPA
// evaluates the findings of those packages only.
func prepareFindings(ctx context.Context, compiler *ast.Compiler, pkgs map[string]finding.Rule) (rego.PreparedEvalQuery, error) {
	q := "out := [[p, f] | some p; some f in data." + RulesPackage + "[p].findings]"
	if pkgs != nil {
		names := make([]string, 0, len(pkgs))
		for p := range pkgs {
			names = append(names, ast.StringTerm(p).String())
		}
		sort.Strings(names)
		q = "out := [[p, f] | some p in {" + strings.Join(names, ", ") + "}; some f in data." + RulesPackage + "[p].findings]"
	}
	return rego.New(
		rego.Query(q),
		rego.Compiler(compiler),
		rego.Capabilities(Capabilities()),
		rego.StrictBuiltinErrors(true),
	).PrepareForEval(ctx)
}
