package action

import (
	"fmt"
	"io"
	"os"

	"github.com/meshready/meshready/internal/finding"
	"github.com/meshready/meshready/internal/report"
	"github.com/meshready/meshready/internal/safeio"
	"github.com/meshready/meshready/internal/textsafe"
)

// Output is how a report is written: -o/--format, --output-file, colour
// and layout.
type Output struct {
	Format  string
	File    string // "" = stdout
	Color   string // auto, always, never
	NoColor bool
	Compact bool
}

// useColor decides colour for the text format: --color always wins; never,
// --no-color or NO_COLOR (https://no-color.org) turn it off; auto colours
// only a terminal.
func (o *Output) useColor(stdout io.Writer) (bool, error) {
	switch o.Color {
	case "always":
		return true, nil
	case "never":
		return false, nil
	case "auto", "":
		return !o.NoColor && os.Getenv("NO_COLOR") == "" && o.File == "" && isTerminal(stdout), nil
	}
	return false, fmt.Errorf("--color %q: want auto, always or never", o.Color)
}

// write formats the report to stdout or the output file (atomically, via
// internal/safeio).
func (o *Output) write(stdout io.Writer, opts report.Options, rep *finding.Report) error {
	color, err := o.useColor(stdout)
	if err != nil {
		return err
	}
	opts.Color = color && report.NeedsOf(o.Format).Color
	opts.Compact = o.Compact
	if p := os.Getenv("GITHUB_STEP_SUMMARY"); p != "" && o.Format == "github" {
		sum, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			return fmt.Errorf("$GITHUB_STEP_SUMMARY: %w", err)
		}
		defer sum.Close()
		opts.StepSummary = sum
	}
	fm, err := report.New(o.Format, opts)
	if err != nil {
		return err
	}
	rep = report.Escaped(o.Format, rep)
	if o.File == "" {
		return fm.Format(stdout, rep)
	}
	return safeio.WriteFile(o.File, func(w io.Writer) error { return fm.Format(w, rep) })
}

// exitFor maps a report to the exit status: 2 when a chart could not be
// linted, 1 for findings at or above --fail-on, else 0.
func exitFor(rep *finding.Report, opts report.Options) error {
	if len(rep.Errors) > 0 {
		return Exit(ExitError, nil)
	}
	if opts.Failed(rep) {
		return Exit(ExitFindings, nil)
	}
	return nil
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
		fmt.Fprintf(w, "meshready: error: chart %s could not be linted: %s%s\n", e.Chart, where, textsafe.Fields(e.Message))
	}
}
