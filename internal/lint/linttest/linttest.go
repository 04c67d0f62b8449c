// Package linttest builds the linter that the tests of several packages run
// end to end: the built-in rules (compiled once per test process), Helm's
// default render options and the ONAP settings the fixtures are written
// for (namespace onap, b3 trace headers).
package linttest

import (
	"context"
	"sync"
	"testing"

	"github.com/meshready/meshready/internal/finding"
	"github.com/meshready/meshready/internal/lint"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/rules"
)

var (
	once   sync.Once
	eng    *rules.Engine
	engErr error
)

// Engine returns the built-in rules, compiled once per process.
func Engine(t testing.TB) *rules.Engine {
	t.Helper()
	once.Do(func() { eng, engErr = rules.NewDefault(context.Background()) })
	if engErr != nil {
		t.Fatal(engErr)
	}
	return eng
}

// Options are the ONAP test options for a run whose paths are relative to
// workDir.
func Options(workDir string) lint.Options {
	return lint.Options{Render: render.DefaultOptions(), Settings: rules.Settings{Namespace: "onap", TraceFormat: "b3"}, WorkDir: workDir}
}

// New returns a linter over Engine with Options(workDir), changed by each
// edit in turn.
func New(t testing.TB, workDir string, edits ...func(*lint.Options)) *lint.Linter {
	t.Helper()
	o := Options(workDir)
	for _, e := range edits {
		e(&o)
	}
	return lint.New(Engine(t), o)
}

// Run lints paths with l and fails the test when the run fails or a chart
// does not lint: a test over findings must not pass on a chart that never
// rendered.
func Run(t testing.TB, l *lint.Linter, paths ...string) *finding.Report {
	t.Helper()
	rep, err := l.Run(context.Background(), paths)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Errors) > 0 {
		t.Fatalf("%v: charts failed to lint: %+v", paths, rep.Errors)
	}
	return rep
}
