package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	chartsfixtures "github.com/meshready/meshready/charts-fixtures"
	"github.com/meshready/meshready/internal/config"
	"github.com/meshready/meshready/internal/finding"
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
	configPath  string
	nsLabels    []string
	traceFormat string
	noColor     bool
	quiet       bool
	workers     int
	// workDir is what finding paths are relative to ("" = the current directory).
	workDir string
}

func (f *lintFlags) bind(cmd *cobra.Command) {
	fs := cmd.Flags()
	addRenderFlags(fs, &f.render)
	fs.StringVarP(&f.format, "format", "o", "text", "output format: "+strings.Join(report.Names(), ", "))
	fs.StringVar(&f.output, "output-file", "", "write the report to this file instead of stdout")
	fs.StringVar(&f.failOn, "fail-on", "", "lowest severity that fails the run: error (default), warning, info, none")
	fs.StringArrayVar(&f.policies, "policy", nil, "folder of extra Rego policies (repeatable)")
	fs.StringVar(&f.configPath, "config", "", "configuration file (default: .meshready.yaml found upward from the first input)")
	fs.StringArrayVar(&f.nsLabels, "namespace-label", nil, "a label the target namespace carries in the cluster, key=value (repeatable), e.g. istio-injection=enabled")
	fs.StringVar(&f.traceFormat, "trace-format", "", "the mesh's trace header format: b3 (default) or w3c")
	fs.BoolVar(&f.noColor, "no-color", false, "never colour the text output")
	fs.BoolVarP(&f.quiet, "quiet", "q", false, "no progress line on stderr")
	fs.IntVar(&f.workers, "workers", 0, "charts rendered in parallel (default: number of CPUs)")
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
	eng, err := rules.NewDefault(ctx, f.policies...)
	if err != nil {
		return nil, nil, err
	}
	trace := cfg.TraceFormat
	if trace == "" {
		trace = "b3"
	}
	o := lint.Options{
		Render:   f.render,
		Config:   cfg,
		Settings: rules.Settings{Namespace: f.render.Namespace, NamespaceLabels: cfg.NamespaceLabels, TraceFormat: trace, NativeSidecars: cfg.NativeSidecars},
		Workers:  f.workers,
		Stdin:    os.Stdin,
		WorkDir:  f.workDir,
	}
	if !f.quiet && isTerminal(stderr) {
		o.Progress = stderr
	}
	return lint.New(eng, o), cfg, nil
}

func newLintCmd() *cobra.Command {
	f := &lintFlags{render: render.DefaultOptions()}
	cmd := &cobra.Command{
		Use:   "lint [CHART|ROOT|CHART.tgz|FILE.yaml|-]...",
		Short: "Render charts and report what keeps each workload from running well on Istio",
		Long: `Render each chart (or every top-level chart of an OOM kubernetes/ root), evaluate
the mesh-readiness policies over the rendered resources, and report each finding
at the template or values.yaml line to edit. Inputs may also be packaged .tgz
charts, already-rendered YAML files, or - for stdin. Without inputs, the
bundled charts-fixtures tree is linted when present.

Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 usage, render or
configuration errors (charts that fail to render are reported and the others
are still linted).`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				dir, cleanup, err := demoTree(cmd.ErrOrStderr())
				if err != nil {
					return withCode(exitError, err)
				}
				defer cleanup()
				f.workDir = filepath.Dir(dir)
				args = []string{dir}
			}
			return runLint(cmd, f, args)
		},
	}
	f.bind(cmd)
	return cmd
}

func runLint(cmd *cobra.Command, f *lintFlags, args []string) error {
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	// Helm logs value-coalescing warnings on the global logger; the helm
	// CLI prints them, but in a lint report they are noise.
	log.SetOutput(io.Discard)
	l, cfg, err := f.linter(ctx, args, cmd.ErrOrStderr())
	if err != nil {
		return withCode(exitError, err)
	}
	rep, err := l.Run(ctx, args)
	if err != nil {
		return withCode(exitError, err)
	}
	out := cmd.OutOrStdout()
	opts := report.Options{FailOn: cfg.FailOn, ToolVersion: version, WorkDir: l.Opts.WorkDir}
	if err := writeReport(out, f, opts, rep); err != nil {
		return withCode(exitError, err)
	}
	return exitFor(rep, opts)
}

// writeReport formats the report to stdout or --output-file (atomically).
func writeReport(stdout io.Writer, f *lintFlags, opts report.Options, rep *finding.Report) error {
	if f.format == "text" && !f.noColor && f.output == "" && isTerminal(stdout) {
		opts.Color = true
	}
	fm, err := report.New(f.format, opts)
	if err != nil {
		return err
	}
	if f.output == "" {
		return fm.Format(stdout, rep)
	}
	tmp, err := os.CreateTemp(filepath.Dir(f.output), ".meshready-report-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := fm.Format(tmp, rep); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), f.output)
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

// demoTree extracts the bundled charts-fixtures tree into a temporary folder.
func demoTree(stderr io.Writer) (string, func(), error) {
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
	fmt.Fprintln(stderr, "meshready: no input given: linting the bundled charts-fixtures demo tree")
	return dir, cleanup, nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}
