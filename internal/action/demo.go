package action

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	chartsfixtures "github.com/meshready/meshready/charts-fixtures"
)

// Demo is `meshready demo`: lint the charts-fixtures tree built into the
// binary, extracted to a temporary folder. Its findings are intended, so
// its --fail-on default is none.
type Demo struct{ Lint }

// NewDemo is a demo with the flags' defaults.
func NewDemo() *Demo {
	d := &Demo{Lint: *NewLint()}
	d.FailOn = "none"
	return d
}

// Run extracts the tree, lints it, and removes it.
func (a *Demo) Run(ctx context.Context, s IO) error {
	tmp, err := os.MkdirTemp("", "meshready-demo-")
	if err != nil {
		return failed(fmt.Errorf("demo: %w", err))
	}
	defer os.RemoveAll(tmp)
	dir, err := chartsfixtures.Extract(tmp)
	if err != nil {
		return failed(fmt.Errorf("demo: %w", err))
	}
	fmt.Fprintln(s.Err, "meshready: linting the bundled charts-fixtures demo tree")
	l := a.Lint
	l.Gate = Gate{}
	l.WorkDir = filepath.Dir(dir)
	return l.Run(ctx, s, []string{dir})
}
