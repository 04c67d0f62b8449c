package rules

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/meshready/meshready/internal/finding"
	"github.com/meshready/meshready/internal/memguard"
)

// userRule is one rule of a --policy folder, evaluated alone so that the
// time limit and the memory ceiling (internal/memguard) name it when it
// loops or allocates without bound. The built-in rules are trusted and
// evaluated together in one query (Engine.query), as fast as before.
type userRule struct {
	rule  finding.Rule
	pkg   string
	query rego.PreparedEvalQuery
}

// activity is the memguard activity while the rule runs: its id, file and
// package.
func (u userRule) activity() string {
	return fmt.Sprintf("evaluating rule %s (%s, package %s.%s)", u.rule.ID, u.rule.Source, RulesPackage, u.pkg)
}

func (u userRule) name() string { return fmt.Sprintf("rule %s (%s)", u.rule.ID, u.rule.Source) }

// isBuiltin reports whether a rule comes from the embedded policies.
func isBuiltin(r finding.Rule) bool { return strings.HasPrefix(r.Source, "builtin:") }

// prepareQueries prepares the query of the built-in rules among rules and
// one query per user rule. all says rules are every rule compiled: the
// first query then also reads the packages that define findings without
// METADATA, so that Evaluate reports them.
func (e *Engine) prepareQueries(ctx context.Context, rules map[string]finding.Rule, all bool) (rego.PreparedEvalQuery, []userRule, error) {
	builtins := map[string]finding.Rule{}
	var own []userRule
	for pkg, r := range rules {
		if isBuiltin(r) {
			builtins[pkg] = r
			continue
		}
		q, err := prepareFindings(ctx, e.compiler, map[string]finding.Rule{pkg: r})
		if err != nil {
			return rego.PreparedEvalQuery{}, nil, err
		}
		own = append(own, userRule{rule: r, pkg: pkg, query: q})
	}
	sort.Slice(own, func(i, j int) bool { return own[i].pkg < own[j].pkg })
	switch {
	case all && len(own) == 0:
		builtins = nil // every package: the cheapest form of the query
	case all:
		for _, p := range e.Packages() {
			if _, ok := rules[p.Name]; !ok && p.Findings {
				builtins[p.Name] = p.Rule
			}
		}
	}
	q, err := prepareFindings(ctx, e.compiler, builtins)
	return q, own, err
}

// evalPairs runs the built-in query, then each user rule under its own
// memguard activity, and returns their [package, finding] pairs. A time
// limit hit in a user rule names it; in the built-in query, the culprit
// among the built-ins is found by re-running them alone.
func (e *Engine) evalPairs(ctx context.Context, in ast.Value) ([]any, error) {
	var pairs []any
	collect := func(rs rego.ResultSet) {
		if len(rs) > 0 {
			p, _ := rs[0].Bindings["out"].([]any)
			pairs = append(pairs, p...)
		}
	}
	rs, err := e.query.Eval(ctx, rego.EvalParsedInput(in))
	if err != nil {
		if timedOut(err) {
			if who := e.culprit(in, e.builtinPkgs()); who != "" {
				return nil, fmt.Errorf("%s ran past the %s time limit for policy evaluation (it loops or is too expensive)", who, e.Timeout)
			}
		}
		return nil, e.explain(err)
	}
	collect(rs)
	for _, u := range e.own {
		done := memguard.Doing(u.activity())
		rs, err := u.query.Eval(ctx, rego.EvalParsedInput(in))
		done()
		if err != nil {
			// A built-in cut short by the deadline reports an
			// eval_builtin_error under StrictBuiltinErrors: ask ctx too.
			if timedOut(err) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return nil, fmt.Errorf("%s was running when policy evaluation passed its %s time limit (it loops, or the rules together are too expensive)", u.name(), e.Timeout)
			}
			return nil, fmt.Errorf("%s: %w", u.name(), e.explain(err))
		}
		collect(rs)
	}
	return pairs, nil
}

// builtinPkgs are the packages of the built-in rules being evaluated.
func (e *Engine) builtinPkgs() []string {
	var pkgs []string
	for p, r := range e.rules {
		if isBuiltin(r) {
			pkgs = append(pkgs, p)
		}
	}
	sort.Strings(pkgs)
	return pkgs
}
