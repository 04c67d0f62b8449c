package report

import (
	"encoding/json"
	"io"

	"github.com/meshready/meshready/internal/finding"
)

func init() { register("json", func(Options) Formatter { return jsonFormat{} }) }

// jsonFormat is the machine-readable contract:
// {"findings":[...],"errors":[...],"summary":{...}}.
type jsonFormat struct{}

func (jsonFormat) Format(w io.Writer, r *finding.Report) error {
	out := *r
	if out.Findings == nil {
		out.Findings = []finding.Finding{}
	}
	if out.Errors == nil {
		out.Errors = []finding.ChartError{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
