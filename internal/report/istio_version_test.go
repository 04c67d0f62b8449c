package report

import (
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
)

// Every format says which Istio release the verdicts are for.
func TestIstioVersionInEveryFormat(t *testing.T) {
	r := sampleReport()
	r.IstioVersion = "1.28.3"
	var doc struct {
		IstioVersion string `json:"istioVersion"`
	}
	if err := json.Unmarshal(render(t, "json", sampleOptions(), r), &doc); err != nil || doc.IstioVersion != "1.28.3" {
		t.Errorf("json istioVersion = %q (%v)", doc.IstioVersion, err)
	}
	var sarif struct {
		Runs []struct {
			Properties struct {
				IstioVersion string `json:"istioVersion"`
			} `json:"properties"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(render(t, "sarif", sampleOptions(), r), &sarif); err != nil || len(sarif.Runs) != 1 || sarif.Runs[0].Properties.IstioVersion != "1.28.3" {
		t.Errorf("sarif run properties: %+v (%v)", sarif.Runs, err)
	}
	var junit junitTestsuites
	if err := xml.Unmarshal(render(t, "junit", sampleOptions(), r), &junit); err != nil || len(junit.Suites) == 0 {
		t.Fatalf("junit: %v", err)
	}
	for _, s := range junit.Suites {
		found := false
		for _, p := range s.Properties.Property {
			found = found || p.Name == "istio.version" && p.Value == "1.28.3"
		}
		if !found {
			t.Errorf("junit suite %s: no istio.version property", s.Name)
		}
	}
	for _, f := range []string{"text", "html", "github", "gerrit"} {
		if !strings.Contains(string(render(t, f, sampleOptions(), r)), "1.28.3") {
			t.Errorf("%s: no Istio version", f)
		}
	}
	// Without a target release (a report no lint run made) the JSON contract is unchanged.
	r.IstioVersion = ""
	if strings.Contains(string(render(t, "json", sampleOptions(), r)), "istioVersion") {
		t.Error("json: istioVersion without a version")
	}
}
