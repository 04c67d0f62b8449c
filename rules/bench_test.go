//go:build unix

package rules

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/profiler"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/util"

	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/testutil"
)

// benchChart is one rendered chart of a real OOM tree, as Engine.Evaluate sees it.
type benchChart struct {
	name    string
	objects []map[string]any
}

var (
	benchOnce   sync.Once
	benchCharts []benchChart
	benchErr    error
)

// benchTrees renders the casablanca and master trees once per test process
// (rendering takes far longer than evaluating, and is not what is measured).
func benchTrees(b *testing.B) []benchChart {
	b.Helper()
	trees := []string{testutil.OOMTree(b, "casablanca"), testutil.OOMTree(b, "master")}
	benchOnce.Do(func() {
		o := render.DefaultOptions()
		o.LintMode = true
		o.Set = []string{"global.masterPassword=x"}
		h := render.NewHelm(o)
		targets, err := render.Expand(trees)
		if err != nil {
			benchErr = err
			return
		}
		for _, t := range targets {
			res, err := h.Render(context.Background(), t.Path)
			if err != nil {
				// A chart that does not render is reported by lint, not evaluated.
				continue
			}
			objs := make([]map[string]any, len(res.Resources))
			for i, r := range res.Resources {
				objs[i] = r.Object
			}
			benchCharts = append(benchCharts, benchChart{name: t.Name(), objects: objs})
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	if len(benchCharts) == 0 {
		b.Skip("no chart of the OOM trees rendered")
	}
	return benchCharts
}

// BenchmarkEvaluate times Engine.Evaluate over every chart of the casablanca
// and master trees (one op = all charts, sequentially).
func BenchmarkEvaluate(b *testing.B) {
	charts := benchTrees(b)
	ctx := context.Background()
	e, err := NewDefault(ctx)
	if err != nil {
		b.Fatal(err)
	}
	s := Settings{Namespace: "onap", TraceFormat: "b3"}
	resources := 0
	for _, c := range charts {
		resources += len(c.objects)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for b.Loop() {
		hits := 0
		for _, c := range charts {
			hs, err := e.Evaluate(ctx, c.objects, s)
			if err != nil {
				b.Fatalf("%s: %v", c.name, err)
			}
			hits += len(hs)
		}
		b.ReportMetric(float64(hits), "hits")
	}
	// Process CPU time (GC included) is steadier than wall time on a shared machine.
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(len(charts)), "charts")
	b.ReportMetric(float64(resources), "resources")
}

// cpuTime is the CPU time the process has used (user and system).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkEvaluateProfile evaluates every chart once per op with OPA's
// expression profiler attached and logs the most expensive expressions (run
// with -v). The tracer inflates every timing, and the query's own line (":1")
// also collects the time spent between evaluations.
func BenchmarkEvaluateProfile(b *testing.B) {
	charts := benchTrees(b)
	ctx := context.Background()
	e, err := NewDefault(ctx)
	if err != nil {
		b.Fatal(err)
	}
	in := Settings{Namespace: "onap", TraceFormat: "b3"}
	p := profiler.New()
	b.ResetTimer()
	for b.Loop() {
		for _, c := range charts {
			input, err := e.input(c.objects, in)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := e.query.Eval(ctx, rego.EvalParsedInput(input), rego.EvalQueryTracer(p)); err != nil {
				b.Fatalf("%s: %v", c.name, err)
			}
		}
	}
	b.StopTimer()
	var sb strings.Builder
	for _, s := range p.ReportTopNResults(60, []string{"total_time_ns", "num_eval", "num_redo", "file", "line"}) {
		fmt.Fprintf(&sb, "%8.1fms eval=%-7d redo=%-7d gen=%-4d %s:%d\n", float64(s.ExprTimeNs)/1e6, s.NumEval, s.NumRedo, s.NumGenExpr, s.Location.File, s.Location.Row)
	}
	b.Log("\n" + sb.String())
}

// TestInputMatchesEvalInput checks that Engine.input builds exactly the value
// rego.EvalInput would (util.RoundTripFast, then ast.InterfaceToValue), so the
// faster conversion changes no finding: numbers keep their JSON text, nil maps
// and slices are null.
func TestInputMatchesEvalInput(t *testing.T) {
	e, err := NewDefault(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var nilMap map[string]any
	var nilSlice []any
	cases := []struct {
		name    string
		objects []map[string]any
		s       Settings
	}{
		{"empty", nil, Settings{}},
		{"settings", []map[string]any{}, Settings{Namespace: "onap", NamespaceLabels: map[string]string{"istio-injection": "enabled", "a.b/c": ""}, TraceFormat: "b3", NativeSidecars: true}},
		{"numbers", []map[string]any{{
			"int": int64(8080), "neg": int64(-1), "big": int64(math.MaxInt64), "zero": 0.0,
			"half": 0.5, "million": 1e6, "huge": 1e21, "tiny": 1e-7, "third": 1.0 / 3,
			"nan": math.NaN(), "inf": math.Inf(1), "json": json.Number("1e3"), "goint": 7,
		}}, Settings{}},
		{"nil and nesting", []map[string]any{
			{"kind": "Deployment", "metadata": map[string]any{"name": "a", "labels": nilMap, "annotations": map[string]any{}},
				"spec": map[string]any{"list": nilSlice, "empty": []any{}, "mixed": []any{nil, true, "x", int64(1), 1.5, map[string]any{"k": []any{"v"}}}}},
			nil,
			{"data": map[string]any{"big": strings.Repeat("x", 1<<16)}, "strings": []string{"a", "b"}},
		}, Settings{Namespace: "ns"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := e.input(c.objects, c.s)
			if err != nil {
				t.Fatal(err)
			}
			want := evalInputValue(t, c.objects, c.s)
			if ast.Compare(got, want) != 0 || got.String() != want.String() {
				t.Errorf("input differs from rego.EvalInput's:\n got %s\nwant %s", got, want)
			}
		})
	}
}

// evalInputValue converts the input document the way the engine used to hand
// it to rego.EvalInput.
func evalInputValue(t *testing.T, objects []map[string]any, s Settings) ast.Value {
	t.Helper()
	res := make([]any, len(objects))
	for i, o := range objects {
		res[i] = o
	}
	labels := map[string]any{}
	for k, v := range s.NamespaceLabels {
		labels[k] = v
	}
	revisions := []any{}
	for _, r := range s.Revisions {
		revisions = append(revisions, r)
	}
	var input any = map[string]any{
		"resources": res,
		"settings": map[string]any{
			"namespace":         s.Namespace,
			"namespaceLabels":   labels,
			"istioVersion":      s.IstioVersion,
			"istioFlavor":       s.IstioFlavor,
			"revisions":         revisions,
			"traceFormat":       s.TraceFormat,
			"nativeSidecars":    s.NativeSidecars,
			"kubernetesVersion": s.KubernetesVersion,
		},
	}
	if err := util.RoundTripFast(&input); err != nil {
		t.Fatal(err)
	}
	v, err := ast.InterfaceToValue(input)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
