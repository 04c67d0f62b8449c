package lint_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meshready/meshready/internal/finding"
	"github.com/meshready/meshready/internal/lint"
	"github.com/meshready/meshready/internal/protocol"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/testutil"
	"github.com/meshready/meshready/rules"
)

var (
	treeMu    sync.Mutex
	treeCache = map[string]*finding.Report{}
)

// lintTree lints a real OOM tree once per test process (the fast path, or
// a plain sequential render exactly as `helm template` does).
func lintTree(t *testing.T, tree string, plain bool) *finding.Report {
	t.Helper()
	if testing.Short() {
		t.Skip("skipping whole-tree lints in -short mode")
	}
	root := testutil.OOMTree(t, tree)
	key := fmt.Sprint(tree, plain)
	treeMu.Lock()
	defer treeMu.Unlock()
	if rep, ok := treeCache[key]; ok {
		return rep
	}
	eng, err := rules.NewDefault(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	o := render.DefaultOptions()
	o.Set = []string{"global.masterPassword=x"}
	workers := 0
	if plain {
		workers = 1
	}
	l := lint.New(eng, lint.Options{Render: o, PlainRender: plain, Workers: workers,
		Settings: rules.Settings{Namespace: "onap", TraceFormat: "b3"}, WorkDir: testutil.RepoRoot(t)})
	rep, err := l.Run(context.Background(), []string{root})
	if err != nil {
		t.Fatal(err)
	}
	treeCache[key] = rep
	return rep
}

// TestFastPathFindingsIdentical lints each real OOM tree twice: with lint
// mode's shortcuts (parallel workers, direct engine render, stand-ins for
// derivePassword and certificate generation) and with a plain, sequential
// `helm template`-exact render. The findings must be identical JSON.
func TestFastPathFindingsIdentical(t *testing.T) {
	for _, tree := range []string{"casablanca", "jakarta", "master"} {
		t.Run(tree, func(t *testing.T) {
			fast, err := json.MarshalIndent(lintTree(t, tree, false), "", " ")
			if err != nil {
				t.Fatal(err)
			}
			plain, err := json.MarshalIndent(lintTree(t, tree, true), "", " ")
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(string(plain), string(fast)); d != "" {
				t.Fatalf("lint mode changed the report (-plain +fast):\n%s", d)
			}
			fmt.Printf("fast path %s: %d findings identical to the plain sequential render\n", tree, len(lintTree(t, tree, false).Findings))
		})
	}
}

// TestRealTreeFindings prints the findings per rule per tree and checks
// port-protocol-name against Istio's own protocol selection: master flags
// exactly aai-resources and aai-traversal `metrics`, policy-pap
// `debug-port` and robot `httpd`, each at the values.yaml line where the
// name is written (not common's template that prints it).
func TestRealTreeFindings(t *testing.T) {
	for _, tree := range []string{"casablanca", "jakarta", "master"} {
		rep := lintTree(t, tree, false)
		count := map[string]int{}
		for _, f := range rep.Findings {
			count[f.Rule]++
		}
		var ids []string
		for id := range count {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		var b strings.Builder
		for _, id := range ids {
			fmt.Fprintf(&b, " %s=%d", id, count[id])
		}
		fmt.Printf("findings per rule, %s (%d charts, %d resources, %d charts not rendered):%s\n", tree, rep.Summary.Charts, rep.Summary.Resources, len(rep.Errors), b.String())
	}
	var got []string
	for _, f := range lintTree(t, "master", false).Findings {
		if f.Rule != "port-protocol-name" {
			continue
		}
		got = append(got, fmt.Sprintf("%s %s %s", f.Resource.Name, f.Value, f.File[strings.Index(f.File, "master/kubernetes/")+len("master/kubernetes/"):]))
		if !strings.HasSuffix(f.File, "/values.yaml") || strings.Contains(f.File, "/common/") {
			t.Errorf("%s: port-name finding at %s:%d, want the component's values.yaml", f.Resource.Name, f.File, f.Line)
		}
	}
	sort.Strings(got)
	want := []string{
		"aai-resources metrics aai/components/aai-resources/values.yaml",
		"aai-traversal metrics aai/components/aai-traversal/values.yaml",
		"policy-pap debug-port policy/components/policy-pap/values.yaml",
		"robot httpd robot/values.yaml",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("master port-protocol-name findings (-want +got):\n%s", d)
	}
	// The oracle: Istio's protocol selection as internal/protocol ports it
	// from istio/istio (independently of the Rego rule), over every Service
	// port the tree renders.
	for _, tree := range []string{"casablanca", "master"} {
		n := 0
		for _, f := range lintTree(t, tree, false).Findings {
			if f.Rule == "port-protocol-name" {
				n++
			}
		}
		if want := unsupportedPorts(t, tree); n != want {
			t.Errorf("%s: %d port-protocol-name findings, Istio's selection finds %d ports without a protocol", tree, n, want)
		} else {
			fmt.Printf("port-protocol-name %s: %d findings = %d Service ports Istio's selection leaves without a protocol\n", tree, n, want)
		}
	}
}

func unsupportedPorts(t *testing.T, tree string) int {
	targets, err := render.Expand([]string{testutil.OOMTree(t, tree)})
	if err != nil {
		t.Fatal(err)
	}
	o := render.DefaultOptions()
	o.Set = []string{"global.masterPassword=x"}
	o.LintMode = true
	h := render.NewHelm(o)
	n := 0
	for _, tg := range targets {
		res, err := h.Render(context.Background(), tg.Path)
		if err != nil {
			continue // reported as chart errors by lint too
		}
		for _, r := range res.Resources {
			if r.Kind != "Service" {
				continue
			}
			spec, _ := r.Object["spec"].(map[string]any)
			ports, _ := spec["ports"].([]any)
			for _, p := range ports {
				if item, ok := p.(map[string]any); ok && protocol.Select(protocol.PortOf(item)) == protocol.Unsupported {
					n++
				}
			}
		}
	}
	return n
}
