package main

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/meshready/meshready/internal/render"
)

func init() { extraCommands = append(extraCommands, newDemoCmd) }

// newDemoCmd lints the demo charts built into the binary: a first run that
// needs no checkout. It is its own command so that lint without inputs can
// never fall back to fixtures and pass.
func newDemoCmd() *cobra.Command {
	f := &lintFlags{render: render.DefaultOptions()}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Lint the demo charts built into meshready (every kind of finding, a tree that needs no checkout)",
		Long: `Extract the bundled charts-fixtures tree (OOM-style charts with one chart per
rule family, plus a good one) to a temporary folder and lint it as
'meshready lint' does, with the same output flags. The demo's findings are
intended, so --fail-on defaults to none here: exit 0 unless something fails
to render.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, cleanup, err := demoTree()
			if err != nil {
				return withCode(exitError, fmt.Errorf("demo: %w", err))
			}
			defer cleanup()
			fmt.Fprintln(cmd.ErrOrStderr(), "meshready: linting the bundled charts-fixtures demo tree")
			f.workDir = filepath.Dir(dir)
			return runGate(cmd, f, &gateFlags{}, []string{dir})
		},
	}
	f.bindInputs(cmd)
	f.bindOutput(cmd)
	fl := cmd.Flags().Lookup("fail-on")
	fl.DefValue, f.failOn = "none", "none"
	fl.Usage = "lowest severity that fails the run: none (default for the demo), error, warning, info"
	return cmd
}
