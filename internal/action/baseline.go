package action

import (
	"context"
	"fmt"
	"io"

	"github.com/meshready/meshready/internal/baseline"
	"github.com/meshready/meshready/internal/finding"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/report"
	"github.com/meshready/meshready/internal/textsafe"
)

// Baseline is `meshready baseline`: lint the inputs and record every
// finding, and every chart that cannot be linted, as a baseline file.
type Baseline struct {
	Inputs
	File string // "" = stdout
}

// NewBaseline is a baseline with the flags' defaults.
func NewBaseline() *Baseline { return &Baseline{Inputs: NewInputs()} }

// Run records the findings of args.
func (a *Baseline) Run(ctx context.Context, s IO, args []string) error {
	if len(args) == 0 {
		return failed(fmt.Errorf("baseline: give the tree or charts to record, e.g. meshready baseline kubernetes > .meshready-baseline.json"))
	}
	r, err := prepare(ctx, &a.Inputs, s, args, "", nil)
	if err != nil {
		return failed(err)
	}
	rep, err := r.linter.RunTargets(ctx, r.targets)
	if err != nil {
		return failed(err)
	}
	b := baseline.FromReport(rep)
	if a.File != "" {
		err = b.WriteFile(a.File)
	} else {
		err = b.Write(s.Out)
	}
	if err != nil {
		return failed(err)
	}
	fmt.Fprintf(s.Err, "meshready: baseline: recorded %s from %s\n",
		textsafe.Count(len(b.Findings), "finding", "findings"), textsafe.Count(rep.Summary.Charts, "chart", "charts"))
	for _, e := range rep.Errors {
		fmt.Fprintf(s.Err, "meshready: baseline: chart %s could not be linted; recorded as a known failure (lint --baseline reports it but does not fail on it): %s: %s\n",
			e.Chart, e.File, textsafe.Line(textsafe.Fields(e.Message)))
	}
	return nil
}

// applyBaseline compares a run with the baseline, limited to the charts the
// run linted (the others are neither new nor fixed). It returns the report
// to show and the report whose findings decide the exit status (the new
// ones), and sets the diff and the counts the formats write in opts.
func applyBaseline(stderr io.Writer, format string, g *Gate, base *baseline.Baseline, rep *finding.Report,
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
		fmt.Fprintf(stderr, "meshready: baseline %s: chart %s could not be linted, a known failure: %s\n", g.Baseline, e.Chart, textsafe.Fields(e.Message))
	}
	aware := report.NeedsOf(format).BaselineAware
	shown = failing
	if aware {
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
	if aware {
		knownAre = "marked in the report"
	}
	fmt.Fprintf(stderr, "meshready: baseline %s: %s, %d known (%s), %d fixed\n",
		g.Baseline, textsafe.Count(newN, "new finding", "new findings"), known, knownAre, fixed)
	if g.BaselineUpdate {
		pruned := baseline.Prune(base, rep, inScope)
		if err := pruned.WriteFile(g.Baseline); err != nil {
			return nil, nil, err
		}
		fmt.Fprintf(stderr, "meshready: baseline %s updated: %d of %d entries kept\n",
			g.Baseline, len(pruned.Findings), len(base.Findings))
	} else if fixed > 0 {
		fmt.Fprintf(stderr, "meshready: %d baseline %s fixed: drop them with --baseline-update (meshready lint)\n",
			fixed, textsafe.Plural(fixed, "finding is", "findings are"))
	}
	opts.BaselineSummary = &report.BaselineSummary{File: g.Baseline, New: newN, Known: known, Fixed: fixed}
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
