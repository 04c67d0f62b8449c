package report

import (
	"encoding/json"
	"io"

	"github.com/meshready/meshready/internal/finding"
)

func init() {
	register("json", Needs{}, func(o Options) Formatter { return jsonFormat{baseline: o.BaselineSummary} })
}

// jsonFormat is the machine-readable contract:
// {"findings":[...],"errors":[...],"summary":{...},"istioVersion":"1.30"}
// (istioVersion when the run has a target release, as lint always does),
// and with a baseline "baseline":{"new":N,"fixed":M} last.
type jsonFormat struct{ baseline *BaselineSummary }

func (j jsonFormat) Format(w io.Writer, r *finding.Report) error {
	out := *r
	if out.Findings == nil {
		out.Findings = []finding.Finding{}
	}
	if out.Errors == nil {
		out.Errors = []finding.ChartError{}
	}
	doc := struct {
		finding.Report
		Baseline *jsonBaseline `json:"baseline,omitempty"`
	}{Report: out}
	if s := j.baseline; s != nil {
		doc.Baseline = &jsonBaseline{New: s.New, Fixed: s.Fixed}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// jsonBaseline is what the json contract says of a baseline comparison.
type jsonBaseline struct {
	New   int `json:"new"`
	Fixed int `json:"fixed"`
}
