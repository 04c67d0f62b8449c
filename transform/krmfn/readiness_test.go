package krmfn

import (
	"context"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Readiness asks the model which DestinationRule applies to a Service
// (mesh.EffectiveDestinationRules and the ExternalName rule) instead of
// comparing expanded hosts: "*.local" and a rule in the root namespace
// cover every Service; a rule another namespace keeps to itself covers
// none of onap's clients.
func TestReadinessDestinationRuleAsIstioPicks(t *testing.T) {
	base := deploymentWith("Deployment", "apps/v1", `sidecar.istio.io/inject: "true"`) +
		"---\napiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: onap}\nspec:\n  selector: {app: web}\n  ports: [{name: http-web, port: 80}]\n" +
		"---\napiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: default, namespace: onap}\nspec: {mtls: {mode: STRICT}}\n"
	dr := func(ns, host, extra string) string {
		return "---\napiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: d, namespace: " + ns + "}\nspec:\n  host: \"" + host + "\"\n" + extra
	}
	alias := "---\napiVersion: v1\nkind: Service\nmetadata: {name: ext, namespace: onap}\nspec:\n  type: ExternalName\n  externalName: example.org\n  ports: [{name: http, port: 80}]\n"
	const missing = "Service onap/web: no DestinationRule"
	for _, c := range []struct {
		name, input string
		want        string // a problem expected, "" for none about DestinationRules
	}{
		{"the Service's own host", base + dr("onap", "web", ""), ""},
		{"*.local covers every in-cluster Service", base + dr("onap", "*.local", ""), ""},
		{"a rule in the root namespace", base + dr("istio-system", "*.onap.svc.cluster.local", ""), ""},
		{"another namespace keeps it to itself", base + dr("other", "web.onap.svc.cluster.local", "  exportTo: [\".\"]\n"), missing},
		{"no rule", base, missing},
		{"an ExternalName alias takes none", base + dr("onap", "web", "") + alias, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			spec := DefaultSpec()
			spec.Namespace = "onap"
			got := readinessAbout(t, spec, parseItems(t, c.input), "DestinationRule")
			switch {
			case c.want == "" && len(got) > 0:
				t.Errorf("problems %q, want none", got)
			case c.want != "" && (len(got) != 1 || !strings.HasPrefix(got[0], c.want)):
				t.Errorf("problems %q, want one starting %q", got, c.want)
			}
		})
	}
}

// readinessAbout are the readiness problems of items that mention about.
func readinessAbout(t *testing.T, spec Spec, items []*yaml.RNode, about string) []string {
	t.Helper()
	problems, err := readiness(context.Background(), spec, items, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range problems {
		if strings.Contains(p, about) {
			out = append(out, p)
		}
	}
	return out
}
