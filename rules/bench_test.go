package rules

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/profiler"
	"github.com/open-policy-agent/opa/v1/rego"

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
// expression profiler attached and logs the most expensive expressions
// (run with -v; timings are inflated by the tracer).
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
			if _, err := e.query.Eval(ctx, rego.EvalParsedInput(e.input(c.objects, in)), rego.EvalQueryTracer(p)); err != nil {
				b.Fatalf("%s: %v", c.name, err)
			}
		}
	}
	b.StopTimer()
	var sb strings.Builder
	for _, s := range p.ReportTopNResults(30, []string{"total_time_ns", "num_eval", "num_redo", "file", "line"}) {
		fmt.Fprintf(&sb, "%8.1fms eval=%-7d redo=%-7d gen=%-4d %s:%d\n", float64(s.ExprTimeNs)/1e6, s.NumEval, s.NumRedo, s.NumGenExpr, s.Location.File, s.Location.Row)
	}
	b.Log("\n" + sb.String())
}
