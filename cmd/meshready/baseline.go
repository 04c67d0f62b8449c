package main

import (
	"bytes"
	"context"
	"fmt"
	"github.com/meshready/meshready/internal/textsafe"
	"io"
	"log"

	"github.com/spf13/cobra"

	"github.com/meshready/meshready/internal/baseline"
	"github.com/meshready/meshready/internal/finding"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/report"
)

func init() { extraCommands = append(extraCommands, newBaselineCmd) }

func newBaselineCmd() *cobra.Command {
	f := &lintFlags{render: render.DefaultOptions()}
	var output string
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
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return withCode(exitError, fmt.Errorf("baseline: give the tree or charts to record, e.g. meshready baseline kubernetes > .meshready-baseline.json"))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBaseline(cmd, f, output, args)
		},
	}
	f.bindInputs(cmd)
	cmd.Flags().StringVar(&output, "output-file", "", "write the baseline to this file (atomically) instead of stdout")
	return cmd
}

func runBaseline(cmd *cobra.Command, f *lintFlags, output string, args []string) error {
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	log.SetOutput(io.Discard)
	stderr := cmd.ErrOrStderr()
	l, cfg, err := f.linter(ctx, args, stderr)
	if err != nil {
		return withCode(exitError, err)
	}
	targets, err := render.Expand(args)
	if err != nil {
		return withCode(exitError, err)
	}
	rep, err := l.RunTargets(ctx, excludeTargets(stderr, cfg, targets))
	if err != nil {
		return withCode(exitError, err)
	}
	b := baseline.FromReport(rep)
	if output != "" {
		err = b.WriteFile(output)
	} else {
		err = b.Write(cmd.OutOrStdout())
	}
	if err != nil {
		return withCode(exitError, err)
	}
	fmt.Fprintf(stderr, "meshready: baseline: recorded %s from %s\n",
		gateCount(len(b.Findings), "finding", "findings"), gateCount(rep.Summary.Charts, "chart", "charts"))
	for _, e := range rep.Errors {
		fmt.Fprintf(stderr, "meshready: baseline: chart %s could not be linted; recorded as a known failure (lint --baseline reports it but does not fail on it): %s: %s\n",
			e.Chart, e.File, textsafe.Line(oneLineMsg(e.Message)))
	}
	return nil
}

// applyBaseline compares a run with the baseline, limited to the charts the
// run linted (the others are neither new nor fixed). It returns the report
// to show and the report whose findings decide the exit code (the new
// ones), and sets the diff and the counts the formats write in opts.
func applyBaseline(stderr io.Writer, f *lintFlags, g *gateFlags, base *baseline.Baseline, rep *finding.Report,
	targets []render.Target, opts *report.Options) (shown, failing *finding.Report, err error) {
	scope := map[string]bool{}
	for _, t := range targets {
		scope[t.Name()] = true
	}
	inScope := func(chart string) bool { return scope[chart] }
	diff := baseline.Compare(base.Only(func(e baseline.Entry) bool { return inScope(e.Chart) }), rep)
	failing = onlyNew(rep, diff)
	knownErrs, unknown := base.Known(rep)
	failing.Errors = unknown
	for _, e := range knownErrs {
		fmt.Fprintf(stderr, "meshready: baseline %s: chart %s could not be linted, a known failure: %s\n", g.baseline, e.Chart, oneLineMsg(e.Message))
	}
	shown = failing
	if report.NeedsOf(f.format).BaselineAware {
		shown = rep
		opts.Baseline = diff
	} else {
		all := make(map[int]bool, len(failing.Findings))
		for i := range failing.Findings {
			all[i] = true
		}
		opts.Baseline = &report.BaselineDiff{New: all, Fixed: diff.Fixed}
	}
	newN, fixed, known := len(diff.New), len(diff.Fixed), len(rep.Findings)-len(diff.New)
	knownAre := "not reported"
	if report.NeedsOf(f.format).BaselineAware {
		knownAre = "marked in the report"
	}
	fmt.Fprintf(stderr, "meshready: baseline %s: %s, %d known (%s), %d fixed\n",
		g.baseline, gateCount(newN, "new finding", "new findings"), known, knownAre, fixed)
	if g.baselineUpdate {
		pruned := baseline.Prune(base, rep, inScope)
		if err := pruned.WriteFile(g.baseline); err != nil {
			return nil, nil, err
		}
		fmt.Fprintf(stderr, "meshready: baseline %s updated: %d of %d entries kept\n",
			g.baseline, len(pruned.Findings), len(base.Findings))
	} else if fixed > 0 {
		fmt.Fprintf(stderr, "meshready: %d baseline %s fixed: drop them with --baseline-update (meshready lint)\n",
			fixed, gatePlural(fixed, "finding is", "findings are"))
	}
	opts.BaselineSummary = &report.BaselineSummary{File: g.baseline, New: newN, Known: known, Fixed: fixed}
	return shown, failing, nil
}

// onlyNew is the report with only the findings the baseline does not cover.
func onlyNew(r *finding.Report, d *report.BaselineDiff) *finding.Report {
	out := *r
	out.Findings = nil
	for i, f := range r.Findings {
		if d.New[i] {
			out.Findings = append(out.Findings, f)
		}
	}
	out.Count()
	return &out
}

func oneLineMsg(s string) string { return string(bytes.Join(bytes.Fields([]byte(s)), []byte(" "))) }
