package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/meshready/meshready/internal/action"
	"github.com/meshready/meshready/internal/report"
)

func newLintCmd() *cobra.Command {
	a := action.NewLint()
	a.ToolVersion = version
	cmd := &cobra.Command{
		Use:   "lint [CHART|ROOT|CHART.tgz|FILE.yaml|-]...",
		Short: "Render charts and report what keeps each workload from running well on Istio",
		Long: `Render each chart (or every top-level chart of an OOM kubernetes/ root), evaluate
the mesh-readiness policies over the rendered resources, and report each finding
at the template or values.yaml line to edit. Inputs may also be packaged .tgz
charts, already-rendered YAML files, or - for stdin. Without inputs, the
bundled charts-fixtures tree is linted when present.

As a pre-merge gate: --changed-from REV (git diff REV...HEAD) or
--changed-files FILE lint only the charts the change affects (a file under the
chart, or under a chart it depends on, changed); --baseline FILE fails only on
findings not recorded by 'meshready baseline'; --format gerrit comments on the
changed files and votes with --gerrit-label.

Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 usage, render or
configuration errors (charts that fail to render are reported and the others
are still linted).`,
		RunE: func(cmd *cobra.Command, args []string) error { return a.Run(cmd.Context(), streams(cmd), args) },
	}
	bindInputs(cmd, &a.Inputs)
	bindOutput(cmd, &a.Output, &a.FailOn)
	fs := cmd.Flags()
	fs.StringVar(&a.ChangedFrom, "changed-from", "", "lint only the charts affected by git diff REV...HEAD (e.g. HEAD~1, origin/master)")
	fs.StringVar(&a.ChangedFiles, "changed-files", "", "lint only the charts affected by the files listed in FILE, one repository-relative path a line (- for stdin)")
	fs.StringVar(&a.RepoRoot, "repo-root", "", "repository root that changed files and finding paths are relative to (default: the git top level)")
	fs.StringVar(&a.GerritLabel, "gerrit-label", "", "with --format gerrit, vote on this label (e.g. Verified): -1 on failure, +1 otherwise")
	fs.StringVar(&a.Baseline, "baseline", "", "fail only on findings not recorded in this baseline file (see 'meshready baseline')")
	fs.BoolVar(&a.BaselineUpdate, "baseline-update", false, "rewrite the --baseline file without the findings that are fixed")
	return cmd
}

// newDemoCmd lints the demo charts built into the binary: a first run that
// needs no checkout. It is its own command so that lint without inputs can
// never fall back to fixtures and pass.
func newDemoCmd() *cobra.Command {
	a := action.NewDemo()
	a.ToolVersion = version
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Lint the demo charts built into meshready (every kind of finding, a tree that needs no checkout)",
		Long: `Extract the bundled charts-fixtures tree (OOM-style charts with one chart per
rule family, plus a good one) to a temporary folder and lint it as
'meshready lint' does, with the same output flags. The demo's findings are
intended, so --fail-on defaults to none here: exit 0 unless something fails
to render.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.Run(cmd.Context(), streams(cmd)) },
	}
	bindInputs(cmd, &a.Inputs)
	bindOutput(cmd, &a.Output, &a.FailOn)
	cmd.Flags().Lookup("fail-on").Usage = "lowest severity that fails the run: none (default for the demo), error, warning, info"
	return cmd
}

func newBaselineCmd() *cobra.Command {
	a := action.NewBaseline()
	cmd := &cobra.Command{
		Use:   "baseline ROOT|CHART... > .meshready-baseline.json",
		Short: "Record today's findings, so that lint --baseline fails only on new ones",
		Long: `Lint the inputs as 'meshready lint' does (same render, value and policy flags)
and print every finding as a baseline file. 'meshready lint --baseline FILE' then
fails only on findings that are not in it and counts the recorded ones that are
fixed; 'lint --baseline FILE --baseline-update' drops the fixed ones from it.

A finding is recorded by a fingerprint of its rule, chart, resource (API group,
kind, namespace, name), field path and value: never its line, so edits
elsewhere and shifted lines keep it known. Record it from the repository root,
with the flags the gate uses.

A chart that cannot be linted (e.g. one that needs a chart from the
internet) is recorded as a known failure: 'lint --baseline' reports it but
exits by the other charts' findings. Leave a chart out for good with
exclude: in .meshready.yaml.

Exit codes: 0 written, 2 usage or configuration errors.`,
		RunE: func(cmd *cobra.Command, args []string) error { return a.Run(cmd.Context(), streams(cmd), args) },
	}
	bindInputs(cmd, &a.Inputs)
	cmd.Flags().StringVar(&a.File, "output-file", "", "write the baseline to this file (atomically) instead of stdout")
	return cmd
}

func newReportCmd() *cobra.Command {
	a := action.NewReport()
	a.ToolVersion = version
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
		RunE: func(cmd *cobra.Command, args []string) error { return a.Run(cmd.Context(), streams(cmd), args) },
	}
	bindInputs(cmd, &a.Inputs)
	bindOutput(cmd, &a.Output, &a.FailOn)
	fs := cmd.Flags()
	fs.Lookup("output-file").Usage = "file to write the report to (- for stdout)"
	fs.StringVar(&a.Baseline, "baseline", "", "compare with this baseline file (see 'meshready baseline'): show what is new and what was fixed")
	return cmd
}

// bindInputs binds what decides the findings: render values, policies,
// configuration (lint, demo, baseline and report share these).
func bindInputs(cmd *cobra.Command, in *action.Inputs) {
	fs := cmd.Flags()
	addRenderFlags(fs, &in.Render)
	fs.StringArrayVar(&in.Policies, "policy", nil, "folder of extra Rego policies (repeatable)")
	fs.DurationVar(&in.PolicyTimeout, "policy-timeout", in.PolicyTimeout, "time limit for evaluating the policies on one chart")
	fs.StringVar(&in.ConfigFile, "config", "", "configuration file (default: .meshready.yaml found upward from the first input)")
	fs.StringArrayVar(&in.NamespaceLabels, "namespace-label", nil, "a label the target namespace carries in the cluster, key=value (repeatable), e.g. istio-injection=enabled")
	fs.StringVar(&in.TraceFormat, "trace-format", "", "the mesh's trace header format: b3 (default) or w3c")
	fs.StringVar(&in.IstioVersion, "istio-version", "", "the target Istio release, e.g. 1.24 (default: the newest release meshready models)")
	fs.StringVar(&in.KubernetesVersion, "kubernetes-version", "", "the cluster's Kubernetes release Istio runs on, e.g. 1.30 (default: kubernetesVersion in .meshready.yaml, else unknown: native sidecars are not assumed)")
	fs.BoolVarP(&in.Quiet, "quiet", "q", false, "no progress line on stderr")
	fs.IntVar(&in.Workers, "workers", 0, "charts rendered in parallel (default: number of CPUs)")
	completeValues(cmd, "trace-format", "b3", "w3c")
}

// bindOutput binds how the report is written and when the run fails, with
// the defaults the action holds: -o/--format is the format and
// --output-file the file in every command.
func bindOutput(cmd *cobra.Command, o *action.Output, failOn *string) {
	fs := cmd.Flags()
	fs.StringVarP(&o.Format, "format", "o", o.Format, "output format: "+strings.Join(report.Names(), ", "))
	fs.StringVar(&o.File, "output-file", o.File, "write the report to this file instead of stdout")
	fs.StringVar(failOn, "fail-on", *failOn, "lowest severity that fails the run: error (default), warning, info, none")
	fs.StringVar(&o.Color, "color", "auto", "colour the text output: auto (on a terminal, unless NO_COLOR is set), always, never")
	fs.BoolVar(&o.NoColor, "no-color", false, "never colour the text output (as --color never)")
	fs.BoolVar(&o.Compact, "compact", false, "text output: one line per finding, then the totals")
	completeValues(cmd, "format", report.Names()...)
	completeValues(cmd, "color", "auto", "always", "never")
	completeValues(cmd, "fail-on", "error", "warning", "info", "none")
}

// completeValues offers a flag's fixed choices to shell completion
// (meshready completion bash|zsh|fish|powershell).
func completeValues(cmd *cobra.Command, flag string, values ...string) {
	_ = cmd.RegisterFlagCompletionFunc(flag, func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	})
}
