package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/meshready/meshready/internal/finding"
)

// sarifSchema compiles the official SARIF 2.1.0 schema (OASIS sarif-spec,
// Schemata/sarif-schema-2.1.0.json, errata01), with format assertions on so
// URIs are checked too.
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join(goldenDir, "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("sarif-schema-2.1.0.json: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const url = "file:///sarif-schema-2.1.0.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		t.Fatalf("compile SARIF schema: %v", err)
	}
	return sch
}

func validateSARIF(t *testing.T, sch *jsonschema.Schema, out []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("SARIF output is not JSON: %v", err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Fatalf("SARIF output does not match the 2.1.0 schema: %v", err)
	}
}

func TestSARIFValidatesAgainstSchema(t *testing.T) {
	sch := sarifSchema(t)
	noRoot := sampleOptions()
	noRoot.RepoRoot = ""
	tests := []struct {
		name string
		opts Options
		r    *finding.Report
	}{
		{"sample", sampleOptions(), sampleReport()},
		{"sample without repo root", noRoot, sampleReport()},
		{"empty", Options{}, &finding.Report{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			validateSARIF(t, sch, render(t, "sarif", tc.opts, tc.r))
		})
	}
}

// The schema must actually reject bad logs, or the test above proves nothing.
func TestSARIFSchemaRejectsInvalid(t *testing.T) {
	sch := sarifSchema(t)
	for name, doc := range map[string]string{
		"no runs":         `{"version":"2.1.0"}`,
		"wrong version":   `{"version":"2.0.0","runs":[]}`,
		"bad level":       `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},"level":"fatal"}]}]}`,
		"line zero":       `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a"},"region":{"startLine":0}}}]}]}]}`,
		"unknown field":   `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"bogus":1}]}`,
		"bad helpUri":     `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x","rules":[{"id":"r","helpUri":"not a uri"}]}}}]}`,
		"invocation bare": `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"invocations":[{}]}]}`,
	} {
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		if sch.Validate(inst) == nil {
			t.Errorf("%s: the schema accepted an invalid log", name)
		}
	}
}

func decodeSARIF(t *testing.T, out []byte) sarifLog {
	t.Helper()
	var log sarifLog
	if err := json.Unmarshal(out, &log); err != nil {
		t.Fatal(err)
	}
	if len(log.Runs) != 1 {
		t.Fatalf("got %d runs, want 1", len(log.Runs))
	}
	return log
}

func TestSARIFStructure(t *testing.T) {
	r := sampleReport()
	log := decodeSARIF(t, render(t, "sarif", sampleOptions(), r))
	run := log.Runs[0]
	if log.Schema != sarifSchemaURI || log.Version != "2.1.0" {
		t.Errorf("$schema/version = %q/%q", log.Schema, log.Version)
	}
	if d := run.Tool.Driver; d.Name != "meshready" || d.Version != "1.2.3-test" || d.InformationURI == "" {
		t.Errorf("driver = %+v", d)
	}
	// Every rule with metadata, in order, then the one only a finding names.
	var ids []string
	for _, rule := range run.Tool.Driver.Rules {
		ids = append(ids, rule.ID)
	}
	want := "sidecar-injection port-name-protocol mtls-strict tracing-header-format probe-rewrite custom-team-label"
	if got := strings.Join(ids, " "); got != want {
		t.Errorf("rules = %s, want %s", got, want)
	}
	levels := map[string]string{}
	for _, rule := range run.Tool.Driver.Rules {
		levels[rule.ID] = rule.DefaultConfiguration.Level
	}
	if levels["sidecar-injection"] != "error" || levels["port-name-protocol"] != "warning" || levels["tracing-header-format"] != "note" {
		t.Errorf("defaultConfiguration levels = %v", levels)
	}

	if len(run.Results) != len(r.Findings) {
		t.Fatalf("%d results for %d findings", len(run.Results), len(r.Findings))
	}
	for i, res := range run.Results {
		f := r.Findings[i]
		if run.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID || res.RuleID != f.Rule {
			t.Errorf("result %d: ruleId %s, ruleIndex %d -> %s", i, res.RuleID, res.RuleIndex, run.Tool.Driver.Rules[res.RuleIndex].ID)
		}
		if !strings.HasPrefix(res.Message.Text, f.Message) || (f.Remediation != "" && !strings.Contains(res.Message.Text, f.Remediation)) {
			t.Errorf("result %d: message %q lacks the message or remediation", i, res.Message.Text)
		}
		if ll := res.Locations[0].LogicalLocations; len(ll) != 1 || ll[0].FullyQualifiedName != f.Resource.String() {
			t.Errorf("result %d: logical locations %+v", i, ll)
		}
		art := res.Locations[0].PhysicalLocation.ArtifactLocation
		if filepath.IsAbs(f.File) {
			if art.URI != "file://"+f.File || art.URIBaseID != "" {
				t.Errorf("result %d: outside file as %+v", i, art)
			}
		} else if art.URI != "kubernetes/"+f.File || art.URIBaseID != "%SRCROOT%" {
			t.Errorf("result %d: artifact %+v, want kubernetes/%s against %%SRCROOT%%", i, art, f.File)
		}
	}

	inv := run.Invocations[0]
	if inv.ExecutionSuccessful || len(inv.ToolExecutionNotifications) != 1 ||
		!strings.Contains(inv.ToolExecutionNotifications[0].Message.Text, "nil pointer") {
		t.Errorf("invocation = %+v, want a failed execution with the chart error", inv)
	}
	r.Errors = nil
	if inv := decodeSARIF(t, render(t, "sarif", sampleOptions(), r)).Runs[0].Invocations[0]; !inv.ExecutionSuccessful {
		t.Error("executionSuccessful is false without chart errors")
	}
}

func TestSARIFFixes(t *testing.T) {
	run := decodeSARIF(t, render(t, "sarif", sampleOptions(), sampleReport())).Runs[0]
	byRule := map[string][]sarifResult{}
	for _, res := range run.Results {
		byRule[res.RuleID] = append(byRule[res.RuleID], res)
	}
	tests := []struct {
		name   string
		res    sarifResult
		region sarifRegion
		text   string
	}{
		// `        sidecar.istio.io/inject: "false"`: "false" with its quotes is columns 34-40.
		{"exact in a template", byRule["sidecar-injection"][0], sarifRegion{StartLine: 12, StartColumn: 34, EndColumn: 41}, `"true"`},
		// `  portName: api`
		{"exact in values.yaml", byRule["port-name-protocol"][0], sarifRegion{StartLine: 7, StartColumn: 13, EndColumn: 16}, "http-api"},
		// The file does not exist: the whole line.
		{"unreadable file", byRule["tracing-header-format"][0], sarifRegion{StartLine: 4}, "b3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.res.Fixes) != 1 || len(tc.res.Fixes[0].ArtifactChanges) != 1 {
				t.Fatalf("fixes = %+v", tc.res.Fixes)
			}
			rep := tc.res.Fixes[0].ArtifactChanges[0].Replacements
			if len(rep) != 1 || rep[0].DeletedRegion != tc.region || rep[0].InsertedContent.Text != tc.text {
				t.Errorf("replacement = %+v, want %+v with %q", rep, tc.region, tc.text)
			}
		})
	}
	for _, rule := range []string{"mtls-strict", "custom-team-label"} {
		if fx := byRule[rule][0].Fixes; fx != nil {
			t.Errorf("%s: fixes %+v for a finding without one", rule, fx)
		}
	}
	if fx := byRule["port-name-protocol"][1].Fixes; fx != nil {
		t.Errorf("second port finding: unexpected fixes %+v", fx)
	}
}

func TestSARIFStaleFixLeftOut(t *testing.T) {
	r := sampleReport()
	for i := range r.Findings {
		if r.Findings[i].Rule == "port-name-protocol" && r.Findings[i].Fix != nil {
			r.Findings[i].Fix.Old = "grpc" // not on line 7 of so/values.yaml
		}
	}
	for _, res := range decodeSARIF(t, render(t, "sarif", sampleOptions(), r)).Runs[0].Results {
		if res.RuleID == "port-name-protocol" && res.Fixes != nil {
			t.Errorf("a fix whose text is not on its line was emitted: %+v", res.Fixes)
		}
	}
}

func TestSARIFFingerprint(t *testing.T) {
	base := sampleReport().Findings[2] // sidecar-injection on Deployment/onap/so
	moved := base
	moved.Line, moved.File = 40, "so/templates/other.yaml"
	if fingerprint(moved) != fingerprint(base) {
		t.Error("the fingerprint changed with the line or file")
	}
	for name, change := range map[string]func(*finding.Finding){
		"rule":      func(f *finding.Finding) { f.Rule = "other" },
		"chart":     func(f *finding.Finding) { f.Chart = "other" },
		"kind":      func(f *finding.Finding) { f.Resource.Kind = "StatefulSet" },
		"namespace": func(f *finding.Finding) { f.Resource.Namespace = "other" },
		"name":      func(f *finding.Finding) { f.Resource.Name = "other" },
		"field":     func(f *finding.Finding) { f.Field = "metadata.name" },
		"value":     func(f *finding.Finding) { f.Value = "true" },
		// The separator keeps "ab"+"c" apart from "a"+"bc".
		"boundary": func(f *finding.Finding) { f.Rule, f.Chart = base.Rule+base.Chart[:1], base.Chart[1:] },
	} {
		f := base
		change(&f)
		if fingerprint(f) == fingerprint(base) {
			t.Errorf("changing the %s kept the fingerprint", name)
		}
	}
}

func TestRuleName(t *testing.T) {
	for id, want := range map[string]string{
		"sidecar-injection": "SidecarInjection",
		"mtls":              "Mtls",
		"port-name-v2":      "PortNameV2",
		"":                  "",
	} {
		if got := ruleName(id); got != want {
			t.Errorf("ruleName(%q) = %q, want %q", id, got, want)
		}
	}
}
