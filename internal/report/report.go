// Package report writes a lint report in one output format. Each format is
// one small file that registers itself here (as conftest does with its
// outputs): text, json, sarif, junit, gerrit, github, html.
package report

import (
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/meshready/meshready/internal/chartsource"
	"github.com/meshready/meshready/internal/finding"
)

// Formatter writes a report.
type Formatter interface {
	Format(w io.Writer, r *finding.Report) error
}

// Options tune formats; each format reads what it needs.
type Options struct {
	// Color enables ANSI colour (text, on a terminal).
	Color bool
	// Compact is one line per finding (text).
	Compact bool
	// StepSummary, when set, receives the GitHub job summary (github): the
	// command appends to $GITHUB_STEP_SUMMARY.
	StepSummary io.Writer
	// RepoRoot makes file paths repository-relative (gerrit, github, sarif).
	// Finding files are relative to WorkDir or absolute; the lint action
	// makes both the repository root when the run has one.
	RepoRoot string
	// WorkDir is the directory finding paths are relative to (default: ".").
	WorkDir string
	// ChangedFiles are the repository-relative files a change touches:
	// gerrit puts inline comments only on these. Nil means every file.
	ChangedFiles map[string]bool
	// GerritLabel, when set, adds a vote on that label (-1 on failure, +1 otherwise).
	GerritLabel string
	// FailOn is the severity at or above which the run fails ("" = error;
	// "none" never fails).
	FailOn string
	// Baseline, when set, marks findings as new or known and lists the fixed ones.
	Baseline *BaselineDiff
	// BaselineSummary, when set, has json, text and gerrit state the
	// comparison's counts. It is not derived from Baseline: the diff's indexes
	// refer to the findings shown, which for formats that are not
	// baseline-aware are only the new ones, while the counts describe the
	// whole comparison (the known findings too).
	BaselineSummary *BaselineSummary
	// ToolVersion is meshready's version, for SARIF and JUnit.
	ToolVersion string
	// Sources is the run's source file cache (lint.Linter.Sources), so the
	// snippets and fix columns of html, sarif and gerrit quote the files the
	// lint read without reading them again. Nil: the report reads them itself.
	Sources *chartsource.Cache
	// Charts names every chart linted. A Report only names charts with
	// findings or errors; JUnit needs the clean ones too, to give each a
	// passing test. Nil: only the charts the report names.
	Charts []string
}

// BaselineDiff is the comparison of a run with a recorded baseline.
type BaselineDiff struct {
	// New holds the indexes (into Report.Findings) of findings not in the baseline.
	New map[int]bool
	// Fixed are baseline findings that no longer occur.
	Fixed []finding.Finding
}

// BaselineSummary counts a run's findings against a baseline file.
type BaselineSummary struct {
	// File is the baseline file as the user named it.
	File string
	// New are findings not in the baseline, Known those in it, Fixed the
	// baseline's findings that no longer occur.
	New, Known, Fixed int
}

// line is the counts as text and gerrit state them; hidden says what the
// format did with the known findings ("shown", "commented").
func (s *BaselineSummary) line(hidden string) string {
	return fmt.Sprintf("%s: %d new, %d known (not %s), %d fixed",
		filepath.ToSlash(s.File), s.New, s.Known, hidden, s.Fixed)
}

// Failed reports whether the report fails under opts.FailOn.
func (o Options) Failed(r *finding.Report) bool {
	switch o.FailOn {
	case "none":
		return false
	case "":
		return r.AtOrAbove(finding.Error) > 0
	}
	return r.AtOrAbove(finding.Severity(o.FailOn)) > 0
}

// Needs is what a format declares it needs from the run, so that callers
// ask the format instead of knowing format names.
type Needs struct {
	// RepoPaths: the format keys files by repository-relative paths, so
	// the run must find the repository root (Options.RepoRoot).
	RepoPaths bool
	// BaselineAware: the format shows every finding and marks it new or
	// known from Options.Baseline; the others are given the new ones only.
	BaselineAware bool
	// Color: the format can colour its output (Options.Color) on a terminal.
	Color bool
}

type format struct {
	needs Needs
	new   func(Options) Formatter
}

var formats = map[string]format{}

// register adds a format; each format file calls it from init. A name
// registered twice is a programming error: it panics.
func register(name string, needs Needs, f func(Options) Formatter) {
	if _, dup := formats[name]; dup {
		panic(fmt.Sprintf("report: format %q registered twice", name))
	}
	formats[name] = format{needs: needs, new: f}
}

// New returns the formatter for a format name.
func New(name string, o Options) (Formatter, error) {
	f, ok := formats[name]
	if !ok {
		return nil, fmt.Errorf("unknown format %q (choose from %s)", name, strings.Join(Names(), ", "))
	}
	return f.new(o), nil
}

// NeedsOf returns what the format name declares (nothing for a name that
// is not a format; New reports those).
func NeedsOf(name string) Needs { return formats[name].needs }

// Names lists the registered formats.
func Names() []string {
	var n []string
	for k := range formats {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}
