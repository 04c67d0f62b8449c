package main

import (
	"context"
	"fmt"
	"github.com/meshready/meshready/internal/safeio"
	"github.com/meshready/meshready/internal/textsafe"
	"io"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	chartsfixtures "github.com/meshready/meshready/charts-fixtures"
	"github.com/meshready/meshready/internal/baseline"
	"github.com/meshready/meshready/internal/charttree"
	"github.com/meshready/meshready/internal/config"
	"github.com/meshready/meshready/internal/finding"
	"github.com/meshready/meshready/internal/gate"
	"github.com/meshready/meshready/internal/lint"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/report"
	"github.com/meshready/meshready/rules"
)

func init() { extraCommands = append(extraCommands, newLintCmd) }

// lintFlags are the settings of a lint run shared by lint, baseline and report.
type lintFlags struct {
	render      render.Options
	format      string
	output      string
	failOn      string
	policies    []string
	policyLimit time.Duration
	configPath  string
	nsLabels    []string
	traceFormat string
	istio       string
	noColor     bool
	color       string
	compact     bool
	quiet       bool
	workers     int
	// workDir is what finding paths are relative to ("" = the current directory).
	workDir string
}

func (f *lintFlags) bind(cmd *cobra.Command) {
	f.bindInputs(cmd)
	f.bindOutput(cmd)
}

// bindInputs binds what decides the findings: render values, policies,
// configuration (lint, baseline and report share these).
func (f *lintFlags) bindInputs(cmd *cobra.Command) {
	fs := cmd.Flags()
	addRenderFlags(fs, &f.render)
	fs.StringArrayVar(&f.policies, "policy", nil, "folder of extra Rego policies (repeatable)")
	fs.DurationVar(&f.policyLimit, "policy-timeout", rules.DefaultTimeout, "time limit for evaluating the policies on one chart")
	fs.StringVar(&f.configPath, "config", "", "configuration file (default: .meshready.yaml found upward from the first input)")
	fs.StringArrayVar(&f.nsLabels, "namespace-label", nil, "a label the target namespace carries in the cluster, key=value (repeatable), e.g. istio-injection=enabled")
	fs.StringVar(&f.traceFormat, "trace-format", "", "the mesh's trace header format: b3 (default) or w3c")
	fs.StringVar(&f.istio, "istio-version", "", "the target Istio release, e.g. 1.24 (default: the newest release meshready models)")
	fs.BoolVarP(&f.quiet, "quiet", "q", false, "no progress line on stderr")
	fs.IntVar(&f.workers, "workers", 0, "charts rendered in parallel (default: number of CPUs)")
	completeValues(cmd, "trace-format", "b3", "w3c")
}

// bindOutput binds how the report is written and when the run fails.
func (f *lintFlags) bindOutput(cmd *cobra.Command) { f.bindOutputAs(cmd, "text", "") }

// bindOutputAs binds the output flags with their defaults: -o/--format is
// the format and --output-file the file in every command.
func (f *lintFlags) bindOutputAs(cmd *cobra.Command, format, file string) {
	fs := cmd.Flags()
	fs.StringVarP(&f.format, "format", "o", format, "output format: "+strings.Join(report.Names(), ", "))
	fs.StringVar(&f.output, "output-file", file, "write the report to this file instead of stdout")
	fs.StringVar(&f.failOn, "fail-on", "", "lowest severity that fails the run: error (default), warning, info, none")
	fs.StringVar(&f.color, "color", "auto", "colour the text output: auto (on a terminal, unless NO_COLOR is set), always, never")
	fs.BoolVar(&f.noColor, "no-color", false, "never colour the text output (as --color never)")
	fs.BoolVar(&f.compact, "compact", false, "text output: one line per finding, then the totals")
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

// useColor decides colour for the text format: --color always wins; never,
// --no-color or NO_COLOR (https://no-color.org) turn it off; auto colours
// only a terminal.
func (f *lintFlags) useColor(stdout io.Writer) (bool, error) {
	switch f.color {
	case "always":
		return true, nil
	case "never":
		return false, nil
	case "auto", "":
		return !f.noColor && os.Getenv("NO_COLOR") == "" && f.output == "" && isTerminal(stdout), nil
	}
	return false, fmt.Errorf("--color %q: want auto, always or never", f.color)
}

// loadConfig finds and validates the configuration, then lets flags override it.
func (f *lintFlags) loadConfig(inputs []string) (*config.Config, error) {
	var cfg *config.Config
	var err error
	switch {
	case f.configPath != "":
		cfg, err = config.Load(f.configPath)
	case len(inputs) > 0 && inputs[0] != "-":
		cfg, err = config.Find(inputs[0])
	default:
		cfg, err = config.Find(".")
	}
	if err == nil {
		err = cfg.CheckFiles(f.render.AllowOutsideRoot)
	}
	if err != nil {
		return nil, err
	}
	if cfg.NamespaceLabels == nil {
		cfg.NamespaceLabels = map[string]string{}
	}
	for _, kv := range f.nsLabels {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("--namespace-label %q: want key=value", kv)
		}
		cfg.NamespaceLabels[k] = v
	}
	if f.traceFormat != "" {
		cfg.TraceFormat = f.traceFormat
	}
	if f.istio != "" {
		cfg.IstioVersion = f.istio
	}
	if f.failOn != "" {
		cfg.FailOn = f.failOn
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("flags: %w", err)
	}
	return cfg, nil
}

// linter compiles the policies and builds a linter for the inputs.
func (f *lintFlags) linter(ctx context.Context, inputs []string, stderr io.Writer) (*lint.Linter, *config.Config, error) {
	cfg, err := f.loadConfig(inputs)
	if err != nil {
		return nil, nil, err
	}
	// Compiling the policies runs while the first charts render.
	eng := rules.Start(ctx, f.policyLimit, f.policies...)
	trace := cfg.TraceFormat
	if trace == "" {
		trace = "b3"
	}
	o := lint.Options{
		Render: f.render,
		Config: cfg,
		Settings: rules.Settings{Namespace: f.render.Namespace, NamespaceLabels: cfg.NamespaceLabels, TraceFormat: trace, NativeSidecars: cfg.NativeSidecars, KubernetesVersion: cfg.KubernetesVersion,
			IstioVersion: cfg.IstioVersion, IstioFlavor: cfg.IstioFlavor, Revisions: cfg.Revisions},
		Workers: f.workers,
		Stdin:   os.Stdin,
		WorkDir: f.workDir,
	}
	if !f.quiet && isTerminal(stderr) {
		o.Progress = stderr
	}
	return lint.NewPending(eng, o), cfg, nil
}

func newLintCmd() *cobra.Command {
	f := &lintFlags{render: render.DefaultOptions()}
	g := &gateFlags{}
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
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && g.changedOnly() {
				return withCode(exitError, fmt.Errorf("--changed-from and --changed-files need the tree to lint, e.g. meshready lint kubernetes --changed-from HEAD~1"))
			}
			args, err := f.inputsOrAround(cmd.ErrOrStderr(), args)
			if err != nil {
				return withCode(exitError, err)
			}
			return runGate(cmd, f, g, args)
		},
	}
	f.bind(cmd)
	g.bind(cmd)
	return cmd
}

// gateFlags are lint's pre-merge gate settings.
type gateFlags struct {
	changedFrom    string
	changedFiles   string
	repoRoot       string
	gerritLabel    string
	baseline       string
	baselineUpdate bool
}

func (g *gateFlags) bind(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&g.changedFrom, "changed-from", "", "lint only the charts affected by git diff REV...HEAD (e.g. HEAD~1, origin/master)")
	fs.StringVar(&g.changedFiles, "changed-files", "", "lint only the charts affected by the files listed in FILE, one repository-relative path a line (- for stdin)")
	fs.StringVar(&g.repoRoot, "repo-root", "", "repository root that changed files and gerrit/github/sarif paths are relative to (default: the git top level)")
	fs.StringVar(&g.gerritLabel, "gerrit-label", "", "with --format gerrit, vote on this label (e.g. Verified): -1 on failure, +1 otherwise")
	fs.StringVar(&g.baseline, "baseline", "", "fail only on findings not recorded in this baseline file (see 'meshready baseline')")
	fs.BoolVar(&g.baselineUpdate, "baseline-update", false, "rewrite the --baseline file without the findings that are fixed")
}

func (g *gateFlags) changedOnly() bool { return g.changedFrom != "" || g.changedFiles != "" }

func (g *gateFlags) validate(f *lintFlags, args []string) error {
	switch {
	case g.changedFrom != "" && g.changedFiles != "":
		return fmt.Errorf("--changed-from and --changed-files: give one of them")
	case g.baselineUpdate && g.baseline == "":
		return fmt.Errorf("--baseline-update needs --baseline FILE")
	case g.gerritLabel != "" && f.format != "gerrit":
		return fmt.Errorf("--gerrit-label applies to --format gerrit, not %s", f.format)
	case !slices.Contains([]string{"auto", "always", "never", ""}, f.color):
		return fmt.Errorf("--color %q: want auto, always or never", f.color)
	case g.changedFiles == "-" && slices.Contains(args, "-"):
		return fmt.Errorf("--changed-files - and the input - cannot both read stdin")
	}
	return nil
}

// folderFlag resolves a flag naming a folder: absolute, symlinks resolved
// (as git's top level is), and an error when it is not a folder.
func folderFlag(flag, dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("%s: %w", flag, err)
	}
	if st, err := os.Stat(abs); err != nil || !st.IsDir() {
		return "", fmt.Errorf("%s %s: not a folder", flag, dir)
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	return abs, nil
}

// root is the repository root: --repo-root, else the git top level of the
// first input when the gate or the format needs one ("" otherwise, and
// when the formats can fall back to the working directory).
func (g *gateFlags) root(ctx context.Context, format string, args []string) (string, error) {
	if g.repoRoot != "" {
		return folderFlag("--repo-root", g.repoRoot)
	}
	if !g.changedOnly() && !report.NeedsOf(format).RepoPaths {
		return "", nil
	}
	dir := "."
	if len(args) > 0 && args[0] != "-" {
		dir = args[0]
	}
	top, err := gate.Toplevel(ctx, dir)
	if err != nil {
		if g.changedOnly() {
			return "", fmt.Errorf("cannot map changed files to charts: %w (run inside the git repository, or pass --repo-root)", err)
		}
		return "", nil
	}
	return top, nil
}

// change reads what the change touches.
func (g *gateFlags) change(ctx context.Context, root string, stdin io.Reader) (*gate.Change, error) {
	if g.changedFrom != "" {
		return gate.Diff(ctx, root, g.changedFrom)
	}
	if g.changedFiles == "-" {
		return gate.ReadList(stdin, "stdin", root)
	}
	fh, err := os.Open(g.changedFiles)
	if err != nil {
		return nil, fmt.Errorf("--changed-files: %w", err)
	}
	defer fh.Close()
	return gate.ReadList(fh, g.changedFiles, root)
}

// selector decides which charts a change affects, from the graphs the
// renderer resolves (a load, no render) and the inputs every chart shares.
func (f *lintFlags) selector(cfg *config.Config) *gate.Selector {
	h := render.NewHelm(f.render)
	s := &gate.Selector{
		Graph: func(dir string) (*charttree.Node, error) {
			_, g, _, err := h.Load(dir)
			return g, err
		},
		Fallback: func(dir string) (*charttree.Node, []string, error) {
			roots := f.render.ChartPaths
			if len(roots) == 0 {
				roots = []string{charttree.TreeRoot(dir)}
			}
			return gate.Declared(dir, roots)
		},
		// as lint.New names charts for the configuration's per-chart values
		Extra:   func(dir string) []string { return cfg.ValuesFor(filepath.Base(dir)) },
		Workers: f.workers,
	}
	add := func(p, label string) { s.Shared = append(s.Shared, gate.Shared{Path: p, Label: label}) }
	for _, v := range f.render.ValueFiles {
		add(v, "--values "+v)
	}
	for _, kv := range f.render.SetFile {
		if _, p, ok := strings.Cut(kv, "="); ok {
			add(p, "--set-file "+p)
		}
	}
	if f.render.Umbrella != "" {
		add(filepath.Join(f.render.Umbrella, "values.yaml"), "--umbrella "+f.render.Umbrella)
	}
	if cfg.Path != "" {
		add(cfg.Path, "the configuration "+cfg.Path)
	}
	for _, p := range f.policies {
		add(p, "--policy "+p)
	}
	return s
}

// printSelection says on stderr which charts the change selected and why.
func printSelection(w io.Writer, ds []gate.Decision, c *gate.Change) {
	n := 0
	for _, d := range ds {
		if d.Selected {
			n++
		}
	}
	fmt.Fprintf(w, "meshready: %s changed (%s): %d of %d %s selected\n",
		gateCount(len(c.Files), "file", "files"), c.Source, n, len(ds), gatePlural(len(ds), "chart", "charts"))
	for _, d := range ds {
		if d.Selected {
			fmt.Fprintf(w, "selected %s: %s\n", textsafe.Escape(d.Target.Name()), textsafe.Escape(d.Reason))
		}
	}
	for _, d := range ds {
		if d.Warning != "" {
			fmt.Fprintf(w, "meshready: note: %s: %s\n", textsafe.Escape(d.Target.Name()), textsafe.Line(d.Warning))
		}
	}
	if n == 0 {
		fmt.Fprintln(w, "meshready: no chart selected: the change touches no linted chart and none of their dependencies; nothing to lint")
	}
}

func gateCount(n int, one, many string) string {
	return fmt.Sprintf("%d %s", n, gatePlural(n, one, many))
}

func gatePlural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// lintRun is what lint and report set up before any chart renders.
type lintRun struct {
	ctx     context.Context
	linter  *lint.Linter
	cfg     *config.Config
	targets []render.Target
	base    *baseline.Baseline // nil without --baseline
}

// prepare builds the linter, expands the inputs and loads the baseline
// file, so that bad flags, configuration or baselines fail before a chart
// is rendered.
func (f *lintFlags) prepare(cmd *cobra.Command, args []string, baselineFile string) (*lintRun, error) {
	run := &lintRun{ctx: cmd.Context()}
	if run.ctx == nil {
		run.ctx = context.Background()
	}
	// Helm logs value-coalescing warnings on the global logger; the helm
	// CLI prints them, but in a lint report they are noise.
	log.SetOutput(io.Discard)
	var err error
	if run.linter, run.cfg, err = f.linter(run.ctx, args, cmd.ErrOrStderr()); err != nil {
		return nil, err
	}
	if run.targets, err = render.Expand(args); err != nil {
		return nil, err
	}
	run.targets = excludeTargets(cmd.ErrOrStderr(), run.cfg, run.targets)
	if baselineFile != "" {
		if run.base, err = baseline.Load(baselineFile); err != nil {
			return nil, err
		}
	}
	return run, nil
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

// runGate lints the inputs, or the charts a change affects, and compares
// with the baseline when one is given.
func runGate(cmd *cobra.Command, f *lintFlags, g *gateFlags, args []string) error {
	stderr := cmd.ErrOrStderr()
	if err := g.validate(f, args); err != nil {
		return withCode(exitError, err)
	}
	run, err := f.prepare(cmd, args, g.baseline)
	if err != nil {
		return withCode(exitError, err)
	}
	ctx, l, cfg, targets := run.ctx, run.linter, run.cfg, run.targets
	repoRoot, err := g.root(ctx, f.format, args)
	if err != nil {
		return withCode(exitError, err)
	}
	opts := report.Options{FailOn: cfg.FailOn, ToolVersion: version, WorkDir: l.Opts.WorkDir, Sources: l.Sources(),
		RepoRoot: repoRoot, GerritLabel: g.gerritLabel}
	if g.changedOnly() {
		change, err := g.change(ctx, repoRoot, cmd.InOrStdin())
		if err != nil {
			return withCode(exitError, err)
		}
		ds := f.selector(cfg).Select(ctx, targets, change)
		printSelection(stderr, ds, change)
		targets = gate.Selected(ds)
		opts.ChangedFiles = change.Set()
	}

	rep, err := l.RunTargets(ctx, targets)
	if err != nil {
		return withCode(exitError, err)
	}
	if os.Getenv("MESHREADY_TIMINGS") != "" {
		// for make bench: lint's own cost (evaluation, source mapping) against rendering
		r, e, m := l.Timings()
		fmt.Fprintf(stderr, "timings: render %.2fs, evaluate %.2fs, map %.2fs, (evaluate+map)/render %.1f%%\n",
			r.Seconds(), e.Seconds(), m.Seconds(), 100*(e+m).Seconds()/max(r.Seconds(), 1e-9))
	}
	opts.Charts = gate.SortedNames(targets)
	shown, failing := rep, rep
	if run.base != nil {
		var err error
		shown, failing, err = applyBaseline(stderr, f, g, run.base, rep, targets, &opts)
		if err != nil {
			return withCode(exitError, err)
		}
	}
	if err := writeReport(cmd.OutOrStdout(), f, opts, shown); err != nil {
		return withCode(exitError, err)
	}
	printChartErrors(stderr, failing)
	return exitFor(failing, opts)
}

// printChartErrors says on stderr, one line each, why charts could not be
// linted, whatever the format: a CI log must show the reason of an exit 2
// that the report file holds.
func printChartErrors(w io.Writer, rep *finding.Report) {
	for _, e := range rep.Errors {
		where := ""
		if e.File != "" {
			where = e.File + ": "
		}
		fmt.Fprintf(w, "meshready: error: chart %s could not be linted: %s%s\n", e.Chart, where, oneLineMsg(e.Message))
	}
}

// writeReport formats the report to stdout or --output-file (atomically).
func writeReport(stdout io.Writer, f *lintFlags, opts report.Options, rep *finding.Report) error {
	color, err := f.useColor(stdout)
	if err != nil {
		return err
	}
	opts.Color = color && report.NeedsOf(f.format).Color
	opts.Compact = f.compact
	if p := os.Getenv("GITHUB_STEP_SUMMARY"); p != "" && f.format == "github" {
		sum, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			return fmt.Errorf("$GITHUB_STEP_SUMMARY: %w", err)
		}
		defer sum.Close()
		opts.StepSummary = sum
	}
	fm, err := report.New(f.format, opts)
	if err != nil {
		return err
	}
	rep = report.Escaped(f.format, rep)
	if f.output == "" {
		return fm.Format(stdout, rep)
	}
	return safeio.WriteFile(f.output, func(w io.Writer) error { return fm.Format(w, rep) })
}

// exitFor maps a report to the exit code: 2 when a chart could not be
// linted, 1 for findings at or above --fail-on, else 0.
func exitFor(rep *finding.Report, opts report.Options) error {
	if len(rep.Errors) > 0 {
		return withCode(exitError, nil)
	}
	if opts.Failed(rep) {
		return withCode(exitFindings, nil)
	}
	return nil
}

// inputsOrAround returns the inputs, or without any the OOM tree or chart
// around the current folder. Never the bundled demo: an empty $CHARTS in a
// CI script must not lint fixtures and pass ('meshready demo' does that).
func (f *lintFlags) inputsOrAround(stderr io.Writer, args []string) ([]string, error) {
	if len(args) > 0 {
		return args, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	in, ok := around(wd)
	if !ok {
		return nil, fmt.Errorf("no input given and no OOM tree or chart around %s: name one (e.g. meshready lint kubernetes), or run 'meshready demo' for the bundled demo charts", wd)
	}
	if rel, err := filepath.Rel(wd, in); err == nil && rel != "." {
		in = rel // "." would name the chart "." in reports
	}
	fmt.Fprintf(stderr, "meshready: no input given: linting %s (around the current folder)\n", in)
	return []string{in}, nil
}

// around finds what to lint from dir: walking up, the first folder that is a
// chart, an OOM kubernetes/ root (it holds common/common/Chart.yaml, OOM's
// library chart), or holds one as kubernetes/.
func around(dir string) (string, bool) {
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

// demoTree extracts the bundled charts-fixtures tree into a temporary folder.
func demoTree() (string, func(), error) {
	tmp, err := os.MkdirTemp("", "meshready-demo-")
	if err != nil {
		return "", nil, err
	}
	cleanup := func() { os.RemoveAll(tmp) }
	dir, err := chartsfixtures.Extract(tmp)
	if err != nil {
		cleanup()
		return "", nil, err
	}
	return dir, cleanup, nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}
