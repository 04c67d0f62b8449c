package krmfn

import (
	"context"

	"github.com/meshready/meshready/internal/lint"
	"github.com/meshready/meshready/internal/lint/linttest"
	"github.com/meshready/meshready/rules"
)

// The end-to-end tests lint the function's output with the built-in rules:
// Readiness counts every error finding as a problem.
func init() {
	eng, err := rules.NewDefault(context.Background())
	if err != nil {
		panic(err)
	}
	e2eValidator = lint.Validator{Linter: lint.New(eng, linttest.Options(""))}
}
