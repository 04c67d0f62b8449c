package rules

import (
	"context"
	"fmt"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/tester"
)

// TestResult is one Rego unit test's outcome.
type TestResult struct {
	Package  string
	Name     string
	File     string
	Pass     bool
	Skip     bool
	Err      string
	Duration time.Duration
}

// RunTests runs the Rego unit tests (rules named test_*) of the sources,
// as `opa test` and `conftest verify` do, with the same restricted
// built-ins policies get at lint time.
func RunTests(ctx context.Context, timeout time.Duration, sources ...Source) ([]TestResult, error) {
	modules, err := parseModules(sources, true)
	if err != nil {
		return nil, err
	}
	compiler := ast.NewCompiler().WithCapabilities(Capabilities()).WithEnablePrintStatements(true)
	runner := tester.NewRunner().
		SetCompiler(compiler).
		SetStore(inmem.New()).
		SetModules(modules).
		SetTimeout(timeout).
		RaiseBuiltinErrors(true)
	store := inmem.New()
	txn, err := store.NewTransaction(ctx)
	if err != nil {
		return nil, err
	}
	defer store.Abort(ctx, txn)
	ch, err := runner.SetStore(store).RunTests(ctx, txn)
	if err != nil {
		return nil, fmt.Errorf("policy tests: %w", err)
	}
	var out []TestResult
	for r := range ch {
		tr := TestResult{Package: r.Package, Name: r.Name, Pass: r.Pass(), Skip: r.Skip, Duration: r.Duration}
		if r.Location != nil {
			tr.File = r.Location.File
		}
		if r.Error != nil {
			tr.Err = r.Error.Error()
		} else if r.Fail {
			tr.Err = "test failed"
		}
		out = append(out, tr)
	}
	return out, nil
}
