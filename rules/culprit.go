package rules

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// culprit finds which of the built-in rules (pkgs) made an evaluation run
// past its time limit by evaluating each alone under a shorter limit (user
// rules run alone already, budget.go). It runs only after a
// timeout, so its cost does not matter to normal runs.
func (e *Engine) culprit(input ast.Value, pkgs []string) string {
	limit := min(e.Timeout, 5*time.Second)
	for _, p := range pkgs {
		q, err := rego.New(
			rego.Query("x := data."+RulesPackage+"."+p+".findings"),
			rego.Compiler(e.compiler),
			rego.Capabilities(Capabilities()),
		).PrepareForEval(context.Background())
		if err != nil {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), limit)
		_, err = q.Eval(ctx, rego.EvalParsedInput(input))
		cancel()
		if timedOut(err) {
			r := e.rules[p]
			return fmt.Sprintf("rule %s (%s)", r.ID, r.Source)
		}
	}
	return ""
}

func timedOut(err error) bool {
	var te *topdown.Error
	return err != nil && (errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &te) && te.Code == topdown.CancelErr))
}
