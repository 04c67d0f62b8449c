package lint_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"

	"github.com/meshready/meshready/internal/finding"
	"github.com/meshready/meshready/internal/lint"
	"github.com/meshready/meshready/internal/mesh"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/testutil"
	"github.com/meshready/meshready/rules"
)

// TestMain paces the collector for the OOM-tree renders (testutil.PaceGC).
func TestMain(m *testing.M) {
	testutil.PaceGC()
	os.Exit(m.Run())
}

var (
	treeMu    sync.Mutex
	treeCache = map[string]*finding.Report{}
)

// lintTree lints a real OOM tree once per test process (the fast path, or
// a plain sequential render exactly as `helm template` does). The tree
// "umbrella" is master's onap chart with every component enabled.
func lintTree(t *testing.T, tree string, plain bool) *finding.Report {
	t.Helper()
	if testing.Short() {
		t.Skip("skipping whole-tree lints in -short mode")
	}
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
	input := ""
	if tree == "umbrella" {
		var enable []string
		input, enable = allComponents(t)
		o.Set = append(o.Set, enable...)
		o.ChartPaths = []string{testutil.OOMTree(t, "master")}
		o.AllowOutsideRoot = true
		// Helm's exact path takes minutes on this chart on a busy machine:
		// the default per-chart limit is for charts that loop, not for size.
		o.Timeout = 30 * time.Minute
	} else {
		input = testutil.OOMTree(t, tree)
	}
	workers := 0
	if plain {
		workers = 1
	}
	l := lint.New(eng, lint.Options{Render: o, PlainRender: plain, Workers: workers,
		Settings: rules.Settings{Namespace: "onap", TraceFormat: "b3"}, WorkDir: testutil.RepoRoot(t)})
	rep, err := l.Run(context.Background(), []string{input})
	if err != nil {
		t.Fatal(err)
	}
	treeCache[key] = rep
	return rep
}

// allComponents copies master's onap umbrella without the one component
// that cannot be resolved offline (authentication: oauth2-proxy comes from
// an https repository) and returns it with --set flags enabling every other.
func allComponents(t *testing.T) (string, []string) {
	t.Helper()
	src := filepath.Join(testutil.OOMTree(t, "master"), "onap")
	dst := filepath.Join(t.TempDir(), "onap")
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dst, "Chart.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var meta map[string]any
	if err := yaml.Unmarshal(b, &meta); err != nil {
		t.Fatal(err)
	}
	deps, _ := meta["dependencies"].([]any)
	var kept []any
	var enable []string
	for _, d := range deps {
		dm, _ := d.(map[string]any)
		if dm["name"] == "authentication" {
			continue
		}
		kept = append(kept, d)
		if c, _ := dm["condition"].(string); c != "" {
			enable = append(enable, c+"=true")
		}
	}
	if len(enable) < 10 {
		t.Fatalf("the umbrella enables only %d components: not the chart this test expects", len(enable))
	}
	meta["dependencies"] = kept
	if b, err = yaml.Marshal(meta); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dst, "Chart.yaml"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dst, enable
}

// TestFastPathFindingsIdentical lints each real OOM tree, and master's
// umbrella with every component enabled, twice: with lint
// mode's shortcuts (parallel workers, direct engine render, stand-ins for
// derivePassword and certificate generation) and with a plain, sequential
// `helm template`-exact render. The findings must be identical JSON.
func TestFastPathFindingsIdentical(t *testing.T) {
	for _, tree := range []string{"casablanca", "jakarta", "master", "umbrella"} {
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
			t.Logf("fast path %s: %d findings identical to the plain sequential render", tree, len(lintTree(t, tree, false).Findings))
		})
	}
}

// TestRealTreeFindings checks port-protocol-name against Istio's own
// protocol selection: master flags
// exactly aai-resources and aai-traversal `metrics`, policy-pap
// `debug-port` and robot `httpd`, each at the values.yaml line where the
// name is written (not common's template that prints it).
func TestRealTreeFindings(t *testing.T) {
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
	// The oracle: Istio's protocol selection as internal/mesh ports it
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
			t.Logf("port-protocol-name %s: %d findings = %d Service ports Istio's selection leaves without a protocol", tree, n, want)
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
				if item, ok := p.(map[string]any); ok && mesh.Select(mesh.PortOf(item)) == mesh.Unsupported {
					n++
				}
			}
		}
	}
	return n
}
