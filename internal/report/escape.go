package report

import (
	"github.com/meshready/meshready/internal/finding"
	"github.com/meshready/meshready/internal/textsafe"
)

// humanFormats are read by a person (a terminal, a CI log, a review, a
// browser): their text fields are escaped (textsafe.Escape) before
// formatting, so a chart cannot forge a line, a workflow command or a
// terminal escape, nor hide text behind bidi controls. Machine formats
// (json, sarif, junit) carry the data as stored; their encoders quote it.
var humanFormats = map[string]bool{"text": true, "github": true, "html": true, "gerrit": true}

// Escaped is r with every text field a chart, a policy or a file name can
// fill escaped, for format name; r itself is left alone.
func Escaped(name string, r *finding.Report) *finding.Report {
	if !humanFormats[name] || r == nil {
		return r
	}
	e := textsafe.Escape
	out := *r
	out.Findings = make([]finding.Finding, len(r.Findings))
	for i, f := range r.Findings {
		f.Message, f.Chart, f.File = e(f.Message), e(f.Chart), e(f.File)
		f.Field, f.Value, f.Source = e(f.Field), e(f.Value), e(f.Source)
		f.Resource.Kind, f.Resource.Name, f.Resource.Namespace, f.Resource.APIVersion = e(f.Resource.Kind), e(f.Resource.Name), e(f.Resource.Namespace), e(f.Resource.APIVersion)
		out.Findings[i] = f
	}
	out.Errors = make([]finding.ChartError, len(r.Errors))
	for i, ce := range r.Errors {
		out.Errors[i] = finding.ChartError{Chart: e(ce.Chart), File: e(ce.File), Message: textsafe.Line(ce.Message)}
	}
	// Rule titles, descriptions and remediations come from the policies'
	// METADATA, written by the policy's author and multi-line by design.
	return &out
}
