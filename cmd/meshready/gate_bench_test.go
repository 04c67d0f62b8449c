package main

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/testutil"
)

// BenchmarkGateOneComponent times a gate run (the meshready binary, as
// verify.sh runs it: git diff, graph selection over every chart of OOM
// master, lint of the selected chart, gerrit output) for a change to one
// so component, against rendering that chart alone in process. The bar:
// gate-s/op under 2 s plus render-s/op.
//
//	go test ./cmd/meshready -run '^$' -bench GateOneComponent -benchtime 3x
func BenchmarkGateOneComponent(b *testing.B) {
	repo := testutil.GitRepo(b, testutil.OOMTree(b, "master"))
	values := filepath.Join(repo, "kubernetes", "so", "components", "so-bpmn-infra", "values.yaml")
	gateReplace(b, values, "  - port: *containerPort\n    name: http\n", "  - port: *containerPort\n    name: web\n")
	testutil.CommitAll(b, repo, "so-bpmn-infra: unprefixed port name")
	mr := testutil.Tool(b, "meshready")
	so := filepath.Join(repo, "kubernetes", "so")
	opts := render.DefaultOptions()
	opts.Set = []string{"global.masterPassword=x"}
	opts.LintMode = true // the render the gate itself does
	ctx := context.Background()

	var gate, rend time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		r := gateExec(b, repo, nil, "", mr, "lint", "kubernetes", "--changed-from", "HEAD~1",
			"--format", "gerrit", "--gerrit-label", "Verified", "--set", "global.masterPassword=x", "-q")
		gate += time.Since(start)
		if r.code != 1 || !slices.Equal(selectedLines(r.stderr), []string{"selected so: so/components/so-bpmn-infra/values.yaml changed"}) {
			b.Fatalf("gate run: exit %d\n%s", r.code, r.stderr)
		}

		start = time.Now()
		if _, err := render.NewHelm(opts).Render(ctx, so); err != nil {
			b.Fatal(err)
		}
		rend += time.Since(start)
	}
	n := float64(b.N)
	b.ReportMetric(gate.Seconds()/n, "gate-s/op")
	b.ReportMetric(rend.Seconds()/n, "render-s/op")
	b.ReportMetric((gate-rend).Seconds()/n, "overhead-s/op")
	if over := (gate - rend) / time.Duration(b.N); over > 2*time.Second {
		b.Errorf("the gate takes %v more than rendering so alone; the bar is 2s", over)
	}
}
