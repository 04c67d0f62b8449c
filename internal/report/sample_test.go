package report

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/meshready/meshready/internal/finding"
	"github.com/meshready/meshready/internal/resource"
	"github.com/meshready/meshready/internal/testutil"
)

// goldenDir holds the golden files and sample-repo, a tiny repository whose
// kubernetes/ directory is the working directory of the sample report.
const goldenDir = "../../testdata/report"

var (
	sampleRepo = filepath.Join(goldenDir, "sample-repo")
	sampleWork = filepath.Join(sampleRepo, "kubernetes")
)

// outsideFile is absolute and outside the sample repository, and does not
// exist: the same on every machine, and no fix on it can be located.
const outsideFile = "/nonexistent/oom/common/values.yaml"

const docBase = "https://github.com/meshready/meshready/blob/main/docs/rules.md#"

// sampleReport is one hand-built report covering what every format must
// handle: several charts, all severities, fixes (exact, on an unreadable
// file), a rule without metadata, several findings on one rule and resource,
// findings outside the change and outside the repository, a chart error, and
// characters that need escaping.
func sampleReport() *finding.Report {
	deploy := resource.Ref{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "onap", Name: "so"}
	svc := resource.Ref{APIVersion: "v1", Kind: "Service", Namespace: "onap", Name: "so"}
	r := &finding.Report{
		Findings: []finding.Finding{
			{
				Rule: "tracing-header-format", Severity: finding.Info, Chart: "aai",
				Message:     "Tracing uses w3c headers for 100% of requests; the mesh expects b3,\nso traces break at the sidecar",
				Remediation: "Set global.tracing.format to b3.",
				Resource:    resource.Ref{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "onap", Name: "aai-resources"},
				File:        outsideFile, Line: 4,
				Field: "spec.template.spec.containers[0].env[2].value", Value: "w3c",
				DocURL: docBase + "tracing-header-format",
				Fix:    &finding.Fix{File: outsideFile, Line: 4, Old: "w3c", New: "b3", Description: "Use b3 trace headers"},
			},
			{
				Rule: "mtls-strict", Severity: finding.Warning, Chart: "aai",
				Message:     "PeerAuthentication aai allows plaintext traffic (mode PERMISSIVE)",
				Remediation: "Set spec.mtls.mode to STRICT once every client has a sidecar.",
				Resource:    resource.Ref{APIVersion: "security.istio.io/v1", Kind: "PeerAuthentication", Namespace: "onap", Name: "aai"},
				File:        "aai/values.yaml", Line: 5, Field: "spec.mtls.mode", Value: "PERMISSIVE",
				DocURL: docBase + "mtls-strict",
			},
			{
				Rule: "sidecar-injection", Severity: finding.Error, Chart: "so",
				Message:     "Deployment so opts out of sidecar injection",
				Remediation: `Remove the annotation or set it to "true".`,
				Resource:    deploy,
				File:        "so/templates/deployment.yaml", Line: 12,
				Field: `spec.template.metadata.annotations["sidecar.istio.io/inject"]`, Value: "false",
				DocURL: docBase + "sidecar-injection",
				Fix: &finding.Fix{File: "so/templates/deployment.yaml", Line: 12, Old: `"false"`, New: `"true"`,
					Description: "Enable sidecar injection"},
			},
			{
				Rule: "custom-team-label", Severity: finding.Info, Chart: "so",
				Message:  "Deployment so has no team label",
				Resource: deploy,
				File:     "so/values.yaml", Line: 3, Field: "metadata.labels.team", Value: "",
			},
			{
				Rule: "port-name-protocol", Severity: finding.Warning, Chart: "so",
				Message:     "Service port 'api' does not name its protocol: use an http-, grpc- or tcp- prefix",
				Remediation: "Rename the port, e.g. http-api.",
				Resource:    svc,
				File:        "so/values.yaml", Line: 7, Field: "spec.ports[0].name", Value: "api",
				DocURL: docBase + "port-name-protocol",
				Fix:    &finding.Fix{File: "so/values.yaml", Line: 7, Old: "api", New: "http-api"},
			},
			{
				Rule: "port-name-protocol", Severity: finding.Warning, Chart: "so",
				Message:     "Service port 8443 has no name",
				Remediation: "Rename the port, e.g. http-api.",
				Resource:    svc,
				File:        "so/values.yaml", Line: 8, Field: "spec.ports[1].name", Value: "",
				DocURL: docBase + "port-name-protocol",
			},
		},
		Errors: []finding.ChartError{{
			Chart: "broken", File: "broken/Chart.yaml",
			Message: `template: broken/templates/service.yaml:3:10: executing "broken/templates/service.yaml" at <.Values.x>: nil pointer`,
		}},
		Summary: finding.Summary{Charts: 4, Resources: 23},
		Rules: []finding.Rule{
			{ID: "sidecar-injection", Title: "Every workload gets an Istio sidecar", Severity: finding.Error, Family: "injection",
				Description: "Pods without the sidecar are outside the mesh: no mTLS, no telemetry, no traffic policy.",
				Remediation: `Add sidecar.istio.io/inject "true" to the pod template, or label the namespace.`,
				DocURL:      docBase + "sidecar-injection", Source: "builtin:rules/injection/sidecar_injection.rego"},
			{ID: "port-name-protocol", Title: "Service ports name their protocol", Severity: finding.Warning, Family: "ports",
				Description: "Istio picks the protocol from the port name or appProtocol; unnamed ports are treated as TCP.",
				Remediation: "Prefix the port name with its protocol (http-, grpc-, tcp-) or set appProtocol.",
				DocURL:      docBase + "port-name-protocol", Source: "builtin:rules/ports/port_name_protocol.rego"},
			{ID: "mtls-strict", Title: "Mutual TLS is strict", Severity: finding.Warning, Family: "mtls",
				Description: "PERMISSIVE mode accepts plaintext.", Remediation: "Use STRICT.",
				DocURL: docBase + "mtls-strict", Source: "builtin:rules/mtls/mtls_strict.rego"},
			{ID: "tracing-header-format", Title: "Trace headers match the mesh", Severity: finding.Info, Family: "tracing",
				Description: "The sidecar propagates one header format.", Remediation: "Match the mesh's trace format.",
				DocURL: docBase + "tracing-header-format", Source: "builtin:rules/tracing/tracing_header_format.rego"},
			{ID: "probe-rewrite", Title: "Probes survive mTLS", Severity: finding.Warning, Family: "injection",
				Description: "HTTP probes need the sidecar's probe rewrite under STRICT mTLS.",
				Remediation: `Keep sidecar.istio.io/rewriteAppHTTPProbers "true".`,
				DocURL:      docBase + "probe-rewrite", Source: "builtin:rules/injection/probe_rewrite.rego"},
		},
		// as the policies declare them (policies/rules/<family>/family.rego)
		Families: []finding.Family{
			{ID: "injection", Title: "Sidecar injection", Order: 1}, {ID: "ports", Title: "Ports & protocols", Order: 2},
			{ID: "tracing", Title: "Tracing", Order: 3}, {ID: "mtls", Title: "mTLS", Order: 4},
		},
	}
	r.Sort()
	r.Count()
	return r
}

func sampleOptions() Options {
	return Options{
		RepoRoot: sampleRepo,
		WorkDir:  sampleWork,
		ChangedFiles: map[string]bool{
			"kubernetes/so/values.yaml":                 true,
			"./kubernetes/so/templates/deployment.yaml": true,
		},
		GerritLabel: "Verified",
		ToolVersion: "1.2.3-test",
		Charts:      []string{"so", "aai", "clean", "broken"},
	}
}

// render runs one format and fails the test on an error.
func render(t *testing.T, format string, o Options, r *finding.Report) []byte {
	t.Helper()
	f, err := New(format, o)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := f.Format(&b, r); err != nil {
		t.Fatalf("%s: %v", format, err)
	}
	return b.Bytes()
}

// checkGolden compares got with testdata/report/name, or rewrites it under -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	testutil.Golden(t, filepath.Join(goldenDir, name), got)
}
