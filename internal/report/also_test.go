package report

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/meshready/meshready/internal/finding"
	"github.com/meshready/meshready/internal/resource"
)

// TestComposedValueLines: a value composed from several values lines names
// them all, the first part at the finding's own line.
func TestComposedValueLines(t *testing.T) {
	r := &finding.Report{Findings: []finding.Finding{{
		Rule: "port-protocol-name", Severity: finding.Error, Chart: "portal-ng", Message: "port 'webs-http' does not name its protocol",
		Resource: resource.Ref{Kind: "Service", Name: "ui"}, Field: "spec.ports[0].name", Value: "webs-http",
		File: "portal-ng/values.yaml", Line: 56, Also: []finding.Place{{File: "portal-ng/values.yaml", Line: 54, Key: "name"}},
	}}}
	r.Count()
	o := sampleOptions()
	o.ChangedFiles = nil

	text := string(render(t, "text", o, r))
	if !strings.Contains(text, "portal-ng/values.yaml:56: error port-protocol-name") || !strings.Contains(text, "the value is composed with portal-ng/values.yaml:54 (name)") {
		t.Errorf("text:\n%s", text)
	}

	var rv struct {
		Comments map[string][]struct {
			Line    int    `json:"line"`
			Message string `json:"message"`
		} `json:"comments"`
	}
	if err := json.Unmarshal(render(t, "gerrit", o, r), &rv); err != nil {
		t.Fatal(err)
	}
	cs := rv.Comments["kubernetes/portal-ng/values.yaml"]
	if len(cs) != 1 || cs[0].Line != 56 || !strings.Contains(cs[0].Message, "composed with kubernetes/portal-ng/values.yaml:54 (name)") {
		t.Errorf("gerrit: want one comment on line 56 naming line 54: %+v", rv.Comments)
	}

	var log struct {
		Runs []struct {
			Results []struct {
				Locations        []sarifLocation `json:"locations"`
				RelatedLocations []sarifLocation `json:"relatedLocations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(render(t, "sarif", o, r), &log); err != nil {
		t.Fatal(err)
	}
	res := log.Runs[0].Results[0]
	if res.Locations[0].PhysicalLocation.Region.StartLine != 56 || len(res.RelatedLocations) != 1 ||
		res.RelatedLocations[0].PhysicalLocation.Region.StartLine != 54 || res.RelatedLocations[0].Message.Text != "composed with name" ||
		res.RelatedLocations[0].PhysicalLocation.ArtifactLocation.URI != "kubernetes/portal-ng/values.yaml" {
		t.Errorf("sarif: %+v", res)
	}
}
