package rules

import (
	"context"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/meshready/meshready/internal/mesh"
)

// One evaluation works out the model of its input once, however many
// model built-ins its rules call; an input of its own (with input as) gets
// its own model.
func TestMeshEvalOnce(t *testing.T) {
	in := ast.MustParseTerm(`{"settings": {"namespace": "onap"}, "resources": [
		{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "db"},
		 "spec": {"selector": {"app": "db"}, "ports": [{"name": "http", "port": 3306}]}},
		{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "db"},
		 "spec": {"template": {"metadata": {"labels": {"app": "db"}}, "spec": {"containers": [{"name": "db", "image": "mariadb"}]}}}}]}`)
	other := `{"settings": {"namespace": "other"}, "resources": []}`
	for _, c := range []struct {
		name, query string
		want        int64
	}{
		{"model twice, both evidence built-ins", `a := meshready.model(input); b := meshready.port_evidence(input); c := meshready.port_mismatch(input); d := meshready.model(input).version`, 1},
		{"evidence only", `b := meshready.port_mismatch(input); c := meshready.port_evidence(input)`, 1},
		{"another input", `a := meshready.model(input); b := meshready.model(` + other + `)`, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := analyses.Load()
			rs, err := rego.New(rego.Query(c.query), rego.ParsedInput(in.Value)).Eval(context.Background())
			if err != nil || len(rs) != 1 {
				t.Fatalf("eval: %v, %d results", err, len(rs))
			}
			if got := analyses.Load() - before; got != c.want {
				t.Errorf("mesh.Analyze ran %d times, want %d", got, c.want)
			}
		})
	}
}

// The shared judgement answers each built-in with its own half: MySQL's
// port named http is a mismatch, not a contradiction of strong evidence.
func TestJudgeBuiltinsShareOneCollect(t *testing.T) {
	in := ast.MustParseTerm(`{"settings": {"namespace": "onap"}, "resources": [
		{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "db"},
		 "spec": {"selector": {"app": "db"}, "ports": [{"name": "http", "port": 3306}]}}]}`)
	rs, err := rego.New(rego.Query(`e := meshready.port_evidence(input); m := meshready.port_mismatch(input)`), rego.ParsedInput(in.Value)).Eval(context.Background())
	if err != nil || len(rs) != 1 {
		t.Fatalf("eval: %v, %d results", err, len(rs))
	}
	e, _ := rs[0].Bindings["e"].(map[string]any)
	m, _ := rs[0].Bindings["m"].(map[string]any)
	if len(e) != 0 {
		t.Errorf("port_evidence = %v, want none", e)
	}
	list, _ := m["0"].([]any)
	if len(list) != 1 {
		t.Fatalf("port_mismatch = %v, want one mismatch for Service 0", m)
	}
	if got := list[0].(map[string]any)["protocol"]; got != "tcp" {
		t.Errorf("mismatch protocol = %v, want tcp", got)
	}
}

// The evidence built-ins judge the engine's input from the caller's
// sources (WithSources) rather than indexing its URLs again; without them
// they index the input's own.
func TestEvaluateReadsCallersSources(t *testing.T) {
	eng, err := NewDefault(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	objects := []map[string]any{
		{"apiVersion": "v1", "kind": "Service", "metadata": map[string]any{"name": "db", "namespace": "onap"},
			"spec": map[string]any{"selector": map[string]any{"app": "db"}, "ports": []any{map[string]any{"name": "http", "port": 3306}}}},
		{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": "db", "namespace": "onap"},
			"spec": map[string]any{"template": map[string]any{"metadata": map[string]any{"labels": map[string]any{"app": "db"}},
				"spec": map[string]any{"containers": []any{map[string]any{"name": "db", "image": "mariadb"}}}}}},
	}
	for _, c := range []struct {
		name    string
		callers bool
		want    int64
	}{
		{"the caller's sources", true, 0},
		{"none given", false, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			if c.callers {
				src := mesh.NewRenderSources(objects, "onap", nil, "")
				src.Sources() // the caller's own use, before the evaluation
				ctx = WithSources(ctx, src)
			}
			before := mesh.RenderIndexes()
			hits, err := eng.Evaluate(ctx, objects, Settings{Namespace: "onap"})
			if err != nil {
				t.Fatal(err)
			}
			mismatch := false
			for _, h := range hits {
				mismatch = mismatch || h.Rule.ID == "port-protocol-mismatch"
			}
			if !mismatch {
				t.Errorf("no port-protocol-mismatch on MySQL's port named http: %+v", hits)
			}
			if got := mesh.RenderIndexes() - before; got != c.want {
				t.Errorf("the evaluation indexed the input's URLs %d times, want %d", got, c.want)
			}
		})
	}
}
