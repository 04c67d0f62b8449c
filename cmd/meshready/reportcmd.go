package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/meshready/meshready/internal/gate"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/report"
)

func init() { extraCommands = append(extraCommands, newReportCmd) }

// reportFlags are lint's input flags plus where the page goes.
type reportFlags struct {
	lintFlags
	baseline string
}

func newReportCmd() *cobra.Command {
	f := &reportFlags{lintFlags: lintFlags{render: render.DefaultOptions(), format: "html"}}
	cmd := &cobra.Command{
		Use:   "report [CHART|ROOT|CHART.tgz|FILE.yaml|-]... [--output-file report.html]",
		Short: "Write a self-contained HTML readiness report: scores, a chart × rule family matrix, the lines to edit",
		Long: `Lint the inputs as 'meshready lint' does (same render, value, policy and
configuration flags) and write one HTML page that works offline: a readiness
score per chart and for the tree, a matrix of charts by rule family, and per
chart the findings with the source lines to edit, the remediation and the
suggested fix, with filters by severity, rule family, rule and chart.
'meshready lint --format html' writes the same page to stdout.

--baseline FILE (written by 'meshready baseline') marks each finding new or
unchanged and lists the baseline findings that are fixed.

The page is written atomically (a temporary file renamed into place); its
path is printed on stdout. --output-file - writes the page to stdout instead; -o/--format picks another
format (as in lint), e.g. -o sarif --output-file report.sarif.

Exit codes, as for lint: 0 nothing at or above --fail-on (with --baseline:
nothing new at or above it), 1 findings, 2 usage, render or configuration
errors (the page is still written when charts fail to render).`,
		RunE: func(cmd *cobra.Command, args []string) error {
			args, err := f.inputsOrAround(cmd.ErrOrStderr(), args)
			if err != nil {
				return withCode(exitError, err)
			}
			return runReport(cmd, f, args)
		},
	}
	f.bindInputs(cmd)
	f.bindOutputAs(cmd, "html", "report.html")
	fs := cmd.Flags()
	fs.Lookup("output-file").Usage = "file to write the report to (- for stdout)"
	fs.StringVar(&f.baseline, "baseline", "", "compare with this baseline file (see 'meshready baseline'): show what is new and what was fixed")
	return cmd
}

func runReport(cmd *cobra.Command, f *reportFlags, args []string) error {
	stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
	if f.output == "" {
		return withCode(exitError, fmt.Errorf("report: --output-file needs a file name (or - for stdout)"))
	}
	if _, err := report.New(f.format, report.Options{}); err != nil {
		// -o is the format in every command; a file name there is the old usage
		return withCode(exitError, fmt.Errorf("report: -o/--format: %w; the file is --output-file", err))
	}
	if f.output != "-" {
		// before linting: a page that cannot be written should not cost a render
		if st, err := os.Stat(filepath.Dir(f.output)); err != nil || !st.IsDir() {
			return withCode(exitError, fmt.Errorf("report: cannot write %s: folder %s does not exist", f.output, filepath.Dir(f.output)))
		}
	}
	run, err := f.prepare(cmd, args, f.baseline)
	if err != nil {
		return withCode(exitError, err)
	}
	rep, err := run.linter.RunTargets(run.ctx, run.targets)
	if err != nil {
		return withCode(exitError, err)
	}
	opts := report.Options{FailOn: run.cfg.FailOn, ToolVersion: version, WorkDir: run.linter.Opts.WorkDir, Sources: run.linter.Sources(),
		Charts: gate.SortedNames(run.targets)}
	failing := rep
	if run.base != nil {
		// as lint --baseline: only new findings fail the run
		if _, failing, err = applyBaseline(stderr, &f.lintFlags, &gateFlags{baseline: f.baseline}, run.base, rep, run.targets, &opts); err != nil {
			return withCode(exitError, err)
		}
	}

	lf := f.lintFlags
	if lf.output == "-" {
		lf.output = ""
	}
	if err := writeReport(stdout, &lf, opts, rep); err != nil {
		return withCode(exitError, fmt.Errorf("report: %w", err))
	}
	printChartErrors(stderr, failing)
	if lf.output != "" {
		// The temporary file was created 0600; a report is for sharing.
		if err := os.Chmod(lf.output, 0o644); err != nil {
			return withCode(exitError, fmt.Errorf("report: %w", err))
		}
		fmt.Fprintln(stdout, lf.output)
	}
	return exitFor(failing, opts)
}
