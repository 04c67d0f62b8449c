// Package finding is the data model that flows from evaluation to reports:
// findings, per-chart errors, the run summary and rule metadata. It has no
// behaviour beyond ordering and counting, so every stage can share it.
package finding

import (
	"cmp"
	"slices"

	"github.com/meshready/meshready/internal/resource"
)

// Severity of a finding. Ordered: info < warning < error.
type Severity string

const (
	Info    Severity = "info"
	Warning Severity = "warning"
	Error   Severity = "error"
)

// Rank orders severities; unknown ones rank below info.
func (s Severity) Rank() int {
	switch s {
	case Error:
		return 3
	case Warning:
		return 2
	case Info:
		return 1
	}
	return 0
}

// ParseSeverity accepts error, warning, info (and "none" as rank 4, above
// every severity, for --fail-on none).
func ParseSeverity(s string) (Severity, bool) {
	switch Severity(s) {
	case Error, Warning, Info:
		return Severity(s), true
	}
	return "", false
}

// Finding is one reason a workload is not ready for the mesh, located at the
// chart line a person edits.
type Finding struct {
	Rule        string       `json:"rule"`
	Severity    Severity     `json:"severity"`
	Message     string       `json:"message"`
	Remediation string       `json:"remediation"`
	Resource    resource.Ref `json:"resource"`
	Chart       string       `json:"chart"`
	// File and Line are where to edit: the template line holding the field,
	// or the values.yaml line the rendered value came from.
	File  string `json:"file"`
	Line  int    `json:"line"`
	Field string `json:"field"`
	Value string `json:"value"`
	// Also are the other values.yaml lines a composed value came from (e.g.
	// the port name of printf "%s-%s" .port_protocol .name), File:Line
	// being the first part; empty for a value from one place.
	Also []Place `json:"also,omitempty"`

	// Not part of the JSON contract.
	DocURL string `json:"-"`
	// Fix is a suggested replacement, where meshready knows one.
	Fix *Fix `json:"-"`
	// Source is the rendered template path (Helm's "# Source:").
	Source string `json:"-"`
	// ResourceIndex is the resource's position in its chart's rendered stream.
	ResourceIndex int `json:"-"`
}

// Place is a line that contributed to a finding's value.
type Place struct {
	File string `json:"file"`
	Line int    `json:"line"`
	// Key is the values.yaml key on that line.
	Key string `json:"key,omitempty"`
}

// Fix replaces Old with New on File:Line.
type Fix struct {
	File        string
	Line        int
	Old, New    string
	Description string
}

// ChartError is a chart that could not be linted (it failed to load or render).
type ChartError struct {
	Chart   string `json:"chart"`
	File    string `json:"file"`
	Message string `json:"message"`
}

// Summary counts what a run linted and found.
type Summary struct {
	Charts    int `json:"charts"`
	Resources int `json:"resources"`
	Error     int `json:"error"`
	Warning   int `json:"warning"`
	Info      int `json:"info"`
}

// Rule is a rule's metadata, read from its Rego `# METADATA` annotations.
type Rule struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Severity    Severity `json:"severity"`
	Family      string   `json:"family"` // injection, ports, tracing, mtls
	Description string   `json:"description"`
	Remediation string   `json:"remediation"`
	DocURL      string   `json:"docURL"`
	// Source is the policy file the rule came from ("builtin:..." for embedded ones).
	Source string `json:"source"`
}

// Report is the outcome of a lint run.
type Report struct {
	Findings []Finding    `json:"findings"`
	Errors   []ChartError `json:"errors"`
	Summary  Summary      `json:"summary"`
	// IstioVersion is the Istio release the verdicts are for (internal/mesh):
	// every format shows it (JSON "istioVersion", SARIF run property
	// istioVersion, JUnit property istio.version, the summary line of text,
	// html, github and gerrit).
	IstioVersion string `json:"istioVersion,omitempty"`
	// Rules are the rules that ran (for SARIF and HTML); not in the JSON contract.
	Rules []Rule `json:"-"`
	// Families are the rule families declared by the loaded policies, in
	// their order (for HTML); not in the JSON contract.
	Families []Family `json:"-"`
}

// Sort orders findings by chart, file, line, rule, resource, field, so
// output is stable across runs and parallel rendering.
func (r *Report) Sort() {
	slices.SortStableFunc(r.Findings, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(a.Chart, b.Chart),
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Rule, b.Rule),
			cmp.Compare(a.Resource.String(), b.Resource.String()),
			cmp.Compare(a.Field, b.Field),
			cmp.Compare(a.Value, b.Value),
		)
	})
	slices.SortStableFunc(r.Errors, func(a, b ChartError) int {
		return cmp.Or(cmp.Compare(a.Chart, b.Chart), cmp.Compare(a.File, b.File))
	})
}

// Count recomputes the per-severity counts of the summary.
func (r *Report) Count() {
	r.Summary.Error, r.Summary.Warning, r.Summary.Info = 0, 0, 0
	for _, f := range r.Findings {
		switch f.Severity {
		case Error:
			r.Summary.Error++
		case Warning:
			r.Summary.Warning++
		case Info:
			r.Summary.Info++
		}
	}
}

// AtOrAbove counts findings at or above a severity.
func (r *Report) AtOrAbove(s Severity) int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity.Rank() >= s.Rank() {
			n++
		}
	}
	return n
}

// Family is a rule family's metadata, read from the `# METADATA` of its
// package meshready.families.<id> (policies/rules/<id>/family.rego).
type Family struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// Order places the family among the others in reports (ascending).
	Order int `json:"order"`
}
