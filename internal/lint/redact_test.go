package lint

import (
	"strings"
	"testing"

	"github.com/meshready/meshready/internal/finding"
	"github.com/meshready/meshready/internal/resource"
)

func TestRedactSecrets(t *testing.T) {
	secret := &resource.Resource{Ref: resource.Ref{Kind: "Secret"}, Object: map[string]any{
		"data":       map[string]any{"password": "aHVudGVyMjJwYXNz"}, // "hunter22pass"
		"stringData": map[string]any{"token": "s3cr3t-token"},
	}}
	cm := &resource.Resource{Ref: resource.Ref{Kind: "ConfigMap"}, Object: map[string]any{"data": map[string]any{"x": "plain-value"}}}
	for _, c := range []struct {
		name string
		r    *resource.Resource
		in   finding.Finding
		leak []string
	}{
		{"secret data value", secret, finding.Finding{Field: `data["password"]`, Value: "aHVudGVyMjJwYXNz", Message: "bad value aHVudGVyMjJwYXNz"}, []string{"aHVudGVyMjJwYXNz"}},
		{"decoded in message", secret, finding.Finding{Field: "metadata.name", Value: "x", Message: "password hunter22pass seen"}, []string{"hunter22pass"}},
		{"stringData", secret, finding.Finding{Field: `stringData["token"]`, Value: "s3cr3t-token", Message: "token s3cr3t-token"}, []string{"s3cr3t-token"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := c.in
			redact(c.r, &f)
			for _, l := range c.leak {
				if strings.Contains(f.Value, l) || strings.Contains(f.Message, l) {
					t.Errorf("secret %q leaked: %+v", l, f)
				}
			}
			if !strings.Contains(f.Value+f.Message, "<redacted>") {
				t.Errorf("nothing marked redacted: %+v", f)
			}
		})
	}
	f := finding.Finding{Field: `data["x"]`, Value: "plain-value", Message: "plain-value"}
	redact(cm, &f)
	if f.Value != "plain-value" {
		t.Errorf("a ConfigMap value was redacted: %+v", f)
	}
}
