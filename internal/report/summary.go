package report

import (
	"fmt"
	"strings"

	"github.com/meshready/meshready/internal/finding"
	"github.com/meshready/meshready/internal/textsafe"
)

// failedCharts counts the distinct charts that could not be linted.
func failedCharts(r *finding.Report) int {
	seen := map[string]bool{}
	for _, e := range r.Errors {
		seen[e.Chart] = true
	}
	return len(seen)
}

// summaryLine is the one-line outcome shared by text, gerrit and github, e.g.
// "2 errors, 3 warnings, 1 info in 4 charts (17 resources); 1 chart failed to render".
func summaryLine(r *finding.Report) string {
	s := r.Summary
	line := fmt.Sprintf("%s, %s, %s in %s (%s)",
		textsafe.Count(s.Error, "error", "errors"), textsafe.Count(s.Warning, "warning", "warnings"),
		textsafe.Count(s.Info, "info", "infos"), textsafe.Count(s.Charts, "chart", "charts"),
		textsafe.Count(s.Resources, "resource", "resources"))
	if n := failedCharts(r); n > 0 {
		line += "; " + textsafe.Count(n, "chart", "charts") + " failed to render"
	}
	if r.IstioVersion != "" {
		line += "; Istio " + r.IstioVersion
	}
	return line
}

// location is "file:line", "file" when the line is unknown.
func location(file string, line int) string {
	if line > 0 {
		return fmt.Sprintf("%s:%d", file, line)
	}
	return file
}

// alsoText names the other lines a composed value came from, e.g.
// "composed with values.yaml:54 (name)"; "" when there are none. rel maps
// a finding path to the form the format prints.
func alsoText(f finding.Finding, rel func(string) string) string {
	if len(f.Also) == 0 {
		return ""
	}
	parts := make([]string, len(f.Also))
	for i, p := range f.Also {
		parts[i] = location(rel(p.File), p.Line)
		if p.Key != "" {
			parts[i] += " (" + p.Key + ")"
		}
	}
	return "the value is composed with " + strings.Join(parts, ", ")
}

// subject names what a finding is about: the resource, field and value.
func subject(f finding.Finding) string {
	var b strings.Builder
	b.WriteString(f.Resource.String())
	if f.Field != "" {
		b.WriteString(" field=" + f.Field)
	}
	if f.Field != "" || f.Value != "" {
		fmt.Fprintf(&b, " value=%q", f.Value)
	}
	return b.String()
}
