package mesh

import (
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// objectsOf decodes a multi-document YAML stream into plain objects.
func objectsOf(t *testing.T, docs string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, d := range strings.Split(docs, "\n---\n") {
		var o map[string]any
		if err := yaml.Unmarshal([]byte(d), &o); err != nil {
			t.Fatal(err)
		}
		out = append(out, o)
	}
	return out
}

// TestBackendsOf: the pods behind a Service are the pod-bearing objects in
// its namespace (an object naming none is in the render's) whose pod
// template labels its selector matches, named by kind, namespace and name.
func TestBackendsOf(t *testing.T) {
	objects := objectsOf(t, `kind: Deployment
metadata: {name: api}
spec: {template: {metadata: {labels: {app: api}}, spec: {containers: [{name: a}]}}}
---
kind: CronJob
metadata: {name: sweep, namespace: onap}
spec: {jobTemplate: {spec: {template: {metadata: {labels: {app: api, job: x}}, spec: {containers: [{name: s}]}}}}}
---
kind: StatefulSet
metadata: {name: api, namespace: other}
spec: {template: {metadata: {labels: {app: api}}, spec: {containers: [{name: a}]}}}
---
kind: ConfigMap
metadata: {name: api}
data: {app: api}
---
kind: Pod
metadata: {name: db, labels: {app: db}}
spec: {containers: [{name: d}]}`)
	for _, c := range []struct {
		name, svc, namespace string
		want                 []string
	}{
		{"unnamed objects are in the render's namespace", `{metadata: {name: api}, spec: {selector: {app: api}}}`, "onap", []string{"Deployment onap/api", "CronJob onap/sweep"}},
		{"the Service's own namespace", `{metadata: {name: api, namespace: other}, spec: {selector: {app: api}}}`, "onap", []string{"StatefulSet other/api"}},
		{"unnamed stay unnamed", `{metadata: {name: api}, spec: {selector: {app: api}}}`, "", []string{"Deployment /api"}},
		{"every pair of the selector", `{metadata: {name: api}, spec: {selector: {app: api, job: x}}}`, "onap", []string{"CronJob onap/sweep"}},
		{"a Pod is its own template", `{metadata: {name: db}, spec: {selector: {app: db}}}`, "onap", []string{"Pod onap/db"}},
		{"no selector, no pods", `{metadata: {name: api}, spec: {}}`, "onap", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			var svc map[string]any
			if err := yaml.Unmarshal([]byte(c.svc), &svc); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, b := range BackendsOf(svc, c.namespace, Workloads(objects, c.namespace)) {
				if b.Template["spec"] == nil {
					t.Errorf("%s: no pod spec in %v", b.Where, b.Template)
				}
				got = append(got, b.Where)
			}
			if strings.Join(got, ", ") != strings.Join(c.want, ", ") {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

// TestRenderSources: the render's URLs are indexed once, on first use,
// placed at their object in the render's namespace, before the tree's.
func TestRenderSources(t *testing.T) {
	objects := objectsOf(t, `kind: ConfigMap
metadata: {name: cfg}
data: {url: "https://policy-api:6969/policy"}`)
	tree := NewURLIndex()
	tree.AddText("u: http://policy-api:6969", "", func(int) string { return "values.yaml:1" })
	src := NewRenderSources(append(objects, nil), "onap", map[string]string{"6969": "https"}, "example.org", nil, tree)
	before := RenderIndexes()
	s := src.Sources()
	s2 := src.Sources()
	if got := RenderIndexes() - before; got != 1 {
		t.Errorf("indexed %d times, want once", got)
	}
	if len(s.URLs) != 2 || s.URLs[1] != tree || s2.URLs[0] != s.URLs[0] {
		t.Fatalf("URLs = %v, want the render's index, then the tree's", s.URLs)
	}
	if s.Table["6969"] != "https" || s.Domain != "example.org" || len(s.Objects) != 2 {
		t.Errorf("sources = %+v", s)
	}
	got := s.URLs[0].Clues("policy-api", "onap", 6969, 1, "")
	if len(got) != 1 || got[0].Where != "ConfigMap onap/cfg data.url" {
		t.Errorf("render clues = %v, want one at ConfigMap onap/cfg data.url", got)
	}
}
