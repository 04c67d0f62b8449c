package action

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/meshready/meshready/internal/gate"
	"github.com/meshready/meshready/internal/report"
)

// Report is `meshready report`: lint the inputs and write one report file
// (by default the HTML page), compared with a baseline when one is given.
type Report struct {
	Inputs
	Output
	Baseline    string
	ToolVersion string
}

// NewReport is a report with the flags' defaults.
func NewReport() *Report {
	return &Report{Inputs: NewInputs(), Output: Output{Format: "html", File: "report.html", Color: "auto"}}
}

// Run lints args (none: the tree or chart around the current folder) and
// writes the report; its path goes to stdout.
func (a *Report) Run(ctx context.Context, s IO, args []string) error {
	args, err := inputsOrAround(s.Err, args)
	if err != nil {
		return failed(err)
	}
	if a.File == "" {
		return failed(fmt.Errorf("report: --output-file needs a file name (or - for stdout)"))
	}
	if _, err := report.New(a.Format, report.Options{}); err != nil {
		// -o is the format in every command; a file name there is the old usage
		return failed(fmt.Errorf("report: -o/--format: %w; the file is --output-file", err))
	}
	if a.File != "-" {
		// before linting: a page that cannot be written should not cost a render
		if st, err := os.Stat(filepath.Dir(a.File)); err != nil || !st.IsDir() {
			return failed(fmt.Errorf("report: cannot write %s: folder %s does not exist", a.File, filepath.Dir(a.File)))
		}
	}
	r, err := prepare(ctx, &a.Inputs, s, args, a.Baseline, nil)
	if err != nil {
		return failed(err)
	}
	rep, err := r.linter.RunTargets(ctx, r.targets)
	if err != nil {
		return failed(err)
	}
	opts := report.Options{FailOn: r.cfg.FailOn, ToolVersion: a.ToolVersion, WorkDir: r.linter.Opts.WorkDir, Sources: r.linter.Sources(),
		Charts: gate.SortedNames(r.targets)}
	failing := rep
	if r.base != nil {
		// as lint --baseline: only new findings fail the run
		if _, failing, err = applyBaseline(s.Err, a.Format, &Gate{Baseline: a.Baseline}, r.base, rep, r.targets, &opts); err != nil {
			return failed(err)
		}
	}
	out := a.Output
	if out.File == "-" {
		out.File = ""
	}
	if err := out.write(s.Out, opts, rep); err != nil {
		return failed(fmt.Errorf("report: %w", err))
	}
	printChartErrors(s.Err, failing)
	if out.File != "" {
		// safeio keeps an existing file's mode and gives a new one 0666
		// less the umask, as every file meshready writes.
		fmt.Fprintln(s.Out, out.File)
	}
	return exitFor(failing, opts)
}
