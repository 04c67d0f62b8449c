package lint

import (
	"strings"
	"testing"

	"github.com/meshready/meshready/internal/finding"
	"github.com/meshready/meshready/internal/resource"
)

// TestRedactSecrets: secret values are removed by value from every field of
// every finding, whichever resource it names, in any case and encoding.
func TestRedactSecrets(t *testing.T) {
	secret := &resource.Resource{Ref: resource.Ref{Kind: "Secret"}, Object: map[string]any{
		"data":       map[string]any{"password": "aHVudGVyMjJwYXNz"}, // "hunter22pass"
		"stringData": map[string]any{"token": "s3cr3t-token"},
	}}
	cm := &resource.Resource{Ref: resource.Ref{Kind: "ConfigMap", Name: "cm"}, Object: map[string]any{"data": map[string]any{"x": "plain-value"}}}
	red := newRedactor([]*resource.Resource{cm, secret}, []string{"global.masterPassword=Zorro-Mask-77,replicaCount=3", "auth.apiToken=tok-9911"})
	for _, c := range []struct {
		name string
		r    *resource.Resource
		in   finding.Finding
		leak []string
	}{
		{"secret data value", secret, finding.Finding{Field: `data["password"]`, Value: "aHVudGVyMjJwYXNz", Message: "bad value aHVudGVyMjJwYXNz"}, []string{"aHVudGVyMjJwYXNz"}},
		{"decoded in message", secret, finding.Finding{Field: "metadata.name", Value: "x", Message: "password hunter22pass seen"}, []string{"hunter22pass"}},
		{"stringData", secret, finding.Finding{Field: `stringData["token"]`, Value: "s3cr3t-token", Message: "token s3cr3t-token"}, []string{"s3cr3t-token"}},
		{"decoded, on another resource", cm, finding.Finding{Field: "data.x", Value: "hunter22pass", Message: "see hunter22pass"}, []string{"hunter22pass"}},
		{"upper-cased, on another resource", cm, finding.Finding{Field: "data.x", Value: "x", Message: "HUNTER22PASS and S3CR3T-TOKEN"}, []string{"HUNTER22PASS", "S3CR3T-TOKEN"}},
		{"stringData re-encoded", cm, finding.Finding{Field: "data.x", Value: "x", Message: "czNjcjN0LXRva2Vu"}, []string{"czNjcjN0LXRva2Vu"}},
		{"--set password", cm, finding.Finding{Field: "data.x", Value: "Zorro-Mask-77", Message: "pw zorro-mask-77", Fix: &finding.Fix{Old: "Zorro-Mask-77", New: "x"}}, []string{"Zorro-Mask-77", "zorro-mask-77"}},
		{"--set token, base64", cm, finding.Finding{Field: "data.x", Value: "x", Message: "dG9rLTk5MTE="}, []string{"dG9rLTk5MTE"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := c.in
			red.finding(c.r, &f)
			all := f.Value + f.Message + f.Field
			if f.Fix != nil {
				all += f.Fix.Old + f.Fix.New
			}
			for _, l := range c.leak {
				if strings.Contains(all, l) {
					t.Errorf("secret %q leaked: %+v", l, f)
				}
			}
			if !strings.Contains(all, Redacted) {
				t.Errorf("nothing marked redacted: %+v", f)
			}
		})
	}
	// data that decodes to bytes that are not UTF-8 (an OOM keystore) is matched as bytes
	bin := &resource.Resource{Ref: resource.Ref{Kind: "Secret"}, Object: map[string]any{"data": map[string]any{"k": "//79/A=="}}}
	fb := finding.Finding{Message: "raw \xff\xfe\xfd\xfc here"}
	newRedactor([]*resource.Resource{bin}, nil).finding(cm, &fb)
	if fb.Message != "raw <redacted> here" {
		t.Errorf("binary secret: %q", fb.Message)
	}
	// a Secret value that is part of an object's name is public: names stay whole
	db := &resource.Resource{Ref: resource.Ref{Kind: "StatefulSet", Name: "onap-vnfsdk-postgres"}}
	user := &resource.Resource{Ref: resource.Ref{Kind: "Secret"}, Object: map[string]any{"data": map[string]any{"user": "cG9zdGdyZXM=", "pw": "c2VjcmV0LXB3"}}}
	fn := finding.Finding{Resource: db.Ref, Message: "StatefulSet 'onap-vnfsdk-postgres' has secret-pw"}
	newRedactor([]*resource.Resource{db, user}, nil).finding(db, &fn)
	if fn.Resource.Name != "onap-vnfsdk-postgres" || fn.Message != "StatefulSet 'onap-vnfsdk-postgres' has <redacted>" {
		t.Errorf("name or secret mishandled: %+v", fn)
	}
	f := finding.Finding{Field: `data["x"]`, Value: "plain-value", Message: "plain-value, 3 replicas"}
	red.finding(cm, &f)
	if f.Value != "plain-value" || f.Message != "plain-value, 3 replicas" {
		t.Errorf("a value that is no secret was redacted: %+v", f)
	}
}
