package mesh

import (
	"strconv"
	"testing"
)

// BenchmarkAnalyze is the model of an umbrella-sized input: 1000
// Deployments, each behind its own Service.
func BenchmarkAnalyze(b *testing.B) {
	var objs []map[string]any
	for i := 0; i < 1000; i++ {
		name := "app-" + strconv.Itoa(i)
		objs = append(objs,
			map[string]any{"apiVersion": "v1", "kind": "Service", "metadata": map[string]any{"name": name},
				"spec": map[string]any{"selector": map[string]any{"app": name}, "ports": []any{map[string]any{"name": "http", "port": int64(80)}}}},
			map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": name},
				"spec": map[string]any{"template": map[string]any{"metadata": map[string]any{"labels": map[string]any{"app": name, "release": "onap"}}, "spec": map[string]any{}}}})
	}
	s := Settings{Namespace: "onap", NamespaceLabels: map[string]string{NamespaceInjectLabel: "enabled"}}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if m := Analyze(objs, s); len(m.ServiceWorkloads) != 1000 {
			b.Fatalf("%d pairs", len(m.ServiceWorkloads))
		}
	}
}
