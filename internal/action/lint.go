package action

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/meshready/meshready/internal/baseline"
	"github.com/meshready/meshready/internal/charttree"
	"github.com/meshready/meshready/internal/config"
	"github.com/meshready/meshready/internal/gate"
	"github.com/meshready/meshready/internal/lint"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/report"
)

// Lint is `meshready lint`: render the inputs, evaluate the policies,
// report, and fail by --fail-on; as a pre-merge gate only on the charts a
// change affects and only on findings a baseline lacks.
type Lint struct {
	Inputs
	Output
	Gate
	ToolVersion string
}

// NewLint is a lint with the flags' defaults.
func NewLint() *Lint {
	return &Lint{Inputs: NewInputs(), Output: Output{Format: "text", Color: "auto"}}
}

// Run lints args (none: the tree or chart around the current folder).
func (a *Lint) Run(ctx context.Context, s IO, args []string) error {
	if len(args) == 0 && a.ChangedOnly() {
		return failed(fmt.Errorf("--changed-from and --changed-files need the tree to lint, e.g. meshready lint kubernetes --changed-from HEAD~1"))
	}
	args, err := inputsOrAround(s.Err, args)
	if err != nil {
		return failed(err)
	}
	if err := a.validate(a.Format, a.Color, args); err != nil {
		return failed(err)
	}
	run, err := prepare(ctx, &a.Inputs, s, args, a.Baseline, func() (string, error) { return a.root(ctx, a.Format, args) })
	if err != nil {
		return failed(err)
	}
	repoRoot := run.root
	opts := report.Options{FailOn: run.cfg.FailOn, ToolVersion: a.ToolVersion, WorkDir: run.linter.Opts.WorkDir, Sources: run.linter.Sources(),
		RepoRoot: repoRoot, GerritLabel: a.GerritLabel}
	targets := run.targets
	if a.ChangedOnly() {
		change, err := a.change(ctx, repoRoot, s.In)
		if err != nil {
			return failed(err)
		}
		ds := a.selector(&a.Inputs, run.cfg, run.linter.Renderer()).Select(ctx, targets, change)
		printSelection(s.Err, ds, change)
		targets = gate.Selected(ds)
		opts.ChangedFiles = change.Set()
	}
	rep, err := run.linter.RunTargets(ctx, targets)
	if err != nil {
		return failed(err)
	}
	if os.Getenv("MESHREADY_TIMINGS") != "" {
		// for make bench: lint's own cost (evaluation, source mapping) against rendering
		r, e, m := run.linter.Timings()
		fmt.Fprintf(s.Err, "timings: render %.2fs, evaluate %.2fs, map %.2fs, (evaluate+map)/render %.1f%%\n",
			r.Seconds(), e.Seconds(), m.Seconds(), 100*(e+m).Seconds()/max(r.Seconds(), 1e-9))
	}
	opts.Charts = gate.SortedNames(targets)
	shown, failing := rep, rep
	if run.base != nil {
		shown, failing, err = applyBaseline(s.Err, a.Format, &a.Gate, run.base, rep, targets, &opts)
		if err != nil {
			return failed(err)
		}
	}
	if err := a.Output.write(s.Out, opts, shown); err != nil {
		return failed(err)
	}
	printChartErrors(s.Err, failing)
	return exitFor(failing, opts)
}

// run is what lint, report and baseline set up before any chart renders.
type run struct {
	linter  *lint.Linter
	cfg     *config.Config
	targets []render.Target
	base    *baseline.Baseline // nil without a baseline file
	root    string             // the repository root ("" when none is needed or known)
}

// prepare loads the configuration, expands the inputs, loads the baseline
// file and finds the repository root (root; nil: none), so that bad flags,
// configuration or baselines fail before a chart is rendered, then builds
// the linter. The path policy: finding paths are relative to the
// repository root when the run has one, else to the working folder, from
// the moment the linter maps them; only reading a file makes them absolute.
func prepare(ctx context.Context, in *Inputs, s IO, args []string, baselineFile string, root func() (string, error)) (*run, error) {
	quietHelm()
	cfg, err := LoadConfig(in.overrides(), args)
	if err != nil {
		return nil, err
	}
	r := &run{cfg: cfg}
	if r.targets, err = render.Expand(args); err != nil {
		return nil, err
	}
	r.targets = excludeTargets(s.Err, cfg, r.targets)
	if baselineFile != "" {
		if r.base, err = baseline.Load(baselineFile, in.Render.AllowOutsideRoot); err != nil {
			return nil, err
		}
	}
	if root != nil {
		if r.root, err = root(); err != nil {
			return nil, err
		}
	}
	li := *in
	if r.root != "" {
		li.WorkDir = r.root
	}
	r.linter = li.linter(ctx, cfg, s.In, s.Err)
	return r, nil
}

// excludeTargets drops the charts the configuration's exclude: names,
// saying so on stderr with the reason.
func excludeTargets(w io.Writer, cfg *config.Config, ts []render.Target) []render.Target {
	var out []render.Target
	for _, t := range ts {
		e := cfg.Excluded(t.Name())
		if e == nil {
			out = append(out, t)
			continue
		}
		reason := e.Reason
		if reason == "" {
			reason = "no reason given"
		}
		fmt.Fprintf(w, "meshready: chart %s excluded by %s (exclude: %s): %s\n", t.Name(), cfg.Path, e.Chart, reason)
	}
	return out
}

// inputsOrAround returns the inputs, or without any the OOM tree or chart
// around the current folder. Never the bundled demo: an empty $CHARTS in a
// CI script must not lint fixtures and pass ('meshready demo' does that).
func inputsOrAround(stderr io.Writer, args []string) ([]string, error) {
	if len(args) > 0 {
		return args, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	in, ok := Around(wd)
	if !ok {
		return nil, fmt.Errorf("no input given and no OOM tree or chart around %s: name one (e.g. meshready lint kubernetes), or run 'meshready demo' for the bundled demo charts", wd)
	}
	if rel, err := filepath.Rel(wd, in); err == nil && rel != "." {
		in = rel // "." would name the chart "." in reports
	}
	fmt.Fprintf(stderr, "meshready: no input given: linting %s (around the current folder)\n", in)
	return []string{in}, nil
}

// Around finds what to lint from dir: walking up, the first folder that is
// a chart, an OOM kubernetes/ root (it holds common/common/Chart.yaml,
// OOM's library chart), or holds one as kubernetes/.
func Around(dir string) (string, bool) {
	for d := dir; ; d = filepath.Dir(d) {
		switch {
		case charttree.IsChartDir(d):
			return d, true
		case charttree.IsChartDir(filepath.Join(d, "common", "common")):
			return d, true
		case charttree.IsChartDir(filepath.Join(d, "kubernetes", "common", "common")):
			return filepath.Join(d, "kubernetes"), true
		}
		if d == filepath.Dir(d) {
			return "", false
		}
	}
}
