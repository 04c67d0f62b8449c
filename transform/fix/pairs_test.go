package fix

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"testing"

	"github.com/meshready/meshready/internal/config"
	"github.com/meshready/meshready/internal/mesh"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/resource"
	"github.com/meshready/meshready/internal/testutil"
)

// pairCase is one human commit of ../shared/oom/pairs, replayed by the fixer.
type pairCase struct {
	name  string
	chart string
	only  []string
	// protocols is what the engineers knew and the chart does not show:
	// MSB's ports are HTTP APIs probed with tcpSocket only.
	protocols map[string]string
	// scope keeps the run to what the commit touched (config ignore
	// entries): workloads and ports the engineers left as they were.
	scope []config.Ignore
	// floor is the measured number of the commit's hunks we reproduce
	// byte for byte (see the report printed by the test); looseFloor the
	// number reproduced up to the spaces inside {{ }} (the engineers wrote
	// {{.Values.istioSidecar}} into files that write {{ .Values.x }}
	// everywhere else, and the fixer follows the file).
	floor, looseFloor int
}

var pairCases = []pairCase{
	{
		name: "MSB-226-inject", chart: "msb", only: []string{OpInjection},
		// kube2msb got `istioSidecar: false` and no annotation: kept out
		scope: []config.Ignore{{Rules: []string{ruleInjection}, Kind: "Deployment", Name: "onap-kube2msb"}},
		floor: 0, looseFloor: 4,
	},
	{
		name: "MSB-226-ports", chart: "msb", only: []string{OpPorts},
		// no table: the evidence collector finds what the engineers knew
		floor: 4, looseFloor: 4,
	},
	{
		// the commit injected and named the ports of ocata, vio and
		// windriver; the multicloud framework's own deployment and port
		// were left alone (only istioSidecar was added to its values)
		name: "MULTICLOUD-290", chart: "multicloud", only: []string{OpInjection, OpPorts},
		scope: []config.Ignore{
			{Rules: []string{ruleInjection}, Kind: "Deployment", Name: "onap-multicloud"},
			{Rules: []string{rulePortName}, Kind: "Service", Name: "multicloud"},
		},
		floor: 5, looseFloor: 8,
	},
}

// TestPairs replays each human commit on a copy of its `before` tree and
// checks the rendered result against the `after` tree strictly (the inject
// annotation per workload, the Istio protocol per Service port), then
// reports how many of the commit's diff hunks we reproduce byte for byte.
func TestPairs(t *testing.T) {
	oom := testutil.OOM(t)
	for _, c := range pairCases {
		t.Run(c.name, func(t *testing.T) {
			before := filepath.Join(oom, "pairs", c.name, "before")
			after := filepath.Join(oom, "pairs", c.name, "after")
			work := copyTree(t, before)
			res := fixPair(t, work, c, c.protocols)
			for _, r := range res.Refusals {
				t.Logf("refused: %s", r)
			}
			for _, ch := range res.Changes {
				t.Logf("changed: %s", ch) // the evidence that decided each port
			}
			ours := renderFacts(t, filepath.Join(work, "kubernetes", c.chart), nil)
			theirs := renderFacts(t, filepath.Join(after, "kubernetes", c.chart), nil)
			if d := compareFacts(theirs, ours); d != "" {
				t.Errorf("rendered output differs from the human commit's:\n%s", d)
			}
			same, total, mine := compareHunks(t, before, after, work, nil)
			// loosely: up to the spaces inside {{ }}, and without the
			// sidecar.istio.io/nativeSidecar line the fixer adds to pods
			// that wait for the network in an init container (the humans'
			// injection broke those pods' readiness checks; mesh.SidecarRemedy)
			loose, _, _ := compareHunks(t, before, after, work, func(s string) string {
				return actionSpaces.ReplaceAllString(nativeLine.ReplaceAllString(s, ""), "{{$1}}")
			})
			report := fmt.Sprintf("%s: %d/%d hunks byte-identical (%d/%d up to spaces inside {{ }} and added nativeSidecar lines; ours: %d hunks, %d files changed)", c.name, same, total, loose, total, mine, len(res.Files))
			if c.protocols != nil {
				// what the inference finds without the engineers' table
				alone := copyTree(t, before)
				fixPair(t, alone, c, nil)
				a := renderFacts(t, filepath.Join(alone, "kubernetes", c.chart), nil)
				n, m := 0, 0
				for k, v := range theirs.ports {
					m++
					if a.ports[k] == v {
						n++
					}
				}
				report += fmt.Sprintf("; protocol inference alone matches %d/%d ports", n, m)
			}
			t.Log(report)
			if same < c.floor {
				t.Errorf("%d identical hunks, below the measured floor %d", same, c.floor)
			}
			if loose < c.looseFloor {
				t.Errorf("%d hunks identical up to {{ }} spacing, below the measured floor %d", loose, c.looseFloor)
			}
		})
	}
}

func fixPair(t *testing.T, work string, c pairCase, protocols map[string]string) *Result {
	t.Helper()
	o := testOptions(t, work)
	// The pods the engineers injected wait for their dependencies with
	// OOM's readiness init container: on a cluster with native sidecars the
	// fixer injects them too (with sidecar.istio.io/nativeSidecar).
	o.Settings.KubernetesVersion = "1.30"
	o.Only = c.only
	o.Protocols = protocols
	o.Config = &config.Config{Ignore: c.scope}
	res, err := Run(context.Background(), []string{filepath.Join(work, "kubernetes", c.chart)}, o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Check != nil {
		t.Fatalf("self-check: %v", res.Check)
	}
	if len(res.Errors) > 0 {
		t.Fatalf("errors: %v", res.Errors)
	}
	if err := res.Write(); err != nil {
		t.Fatal(err)
	}
	return res
}

// nativeLine is an added sidecar.istio.io/nativeSidecar line of a hunk.
var nativeLine = regexp.MustCompile(`(?m)^\+\s*sidecar\.istio\.io/nativeSidecar: "true"\n`)

// actionSpaces matches a template action with the spaces inside its braces.
var actionSpaces = regexp.MustCompile(`\{\{-?\s*(.*?)\s*-?\}\}`)

// facts are the mesh-relevant parts of a render.
type facts struct {
	inject map[string]string // workload -> injection switch value ("<unset>")
	ports  map[string]string // service/port -> Istio protocol
}

// renderFacts renders a chart (with set values) and reads each workload's
// sidecar.istio.io/inject, from the first of the pod template's metadata
// maps places names that has it ("annotations" when none are given), and
// each Service port's Istio protocol.
func renderFacts(t *testing.T, chart string, set []string, places ...string) facts {
	t.Helper()
	if len(places) == 0 {
		places = []string{"annotations"}
	}
	o := render.DefaultOptions()
	o.Set = set
	res, err := render.NewHelm(o).Render(context.Background(), chart)
	if err != nil {
		t.Fatal(err)
	}
	f := facts{inject: map[string]string{}, ports: map[string]string{}}
	for _, r := range res.Resources {
		if resource.IsWorkload(r.Kind) {
			s := "<unset>"
			for _, where := range places {
				if v, ok := resource.Lookup(r.Object, fieldPath(podPath(r.Kind), "metadata", where, injectKey)); ok {
					s = fmt.Sprint(v)
					break
				}
			}
			f.inject[r.Kind+"/"+r.Name] = s
		}
		if r.Kind == "Service" {
			ports, _ := resource.Lookup(r.Object, "spec.ports")
			for _, p := range asMaps(ports) {
				pp := mesh.PortOf(p)
				f.ports[fmt.Sprintf("%s:%d", r.Name, pp.Port)] = string(mesh.Select(pp))
			}
		}
	}
	return f
}

func compareFacts(want, got facts) string {
	var out string
	for _, m := range []struct {
		what      string
		want, got map[string]string
	}{{"inject annotation", want.inject, got.inject}, {"port protocol", want.ports, got.ports}} {
		keys := map[string]bool{}
		for k := range m.want {
			keys[k] = true
		}
		for k := range m.got {
			keys[k] = true
		}
		var ks []string
		for k := range keys {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		for _, k := range ks {
			if m.want[k] != m.got[k] {
				out += fmt.Sprintf("%s %s: human %q, fixer %q\n", m.what, k, m.want[k], m.got[k])
			}
		}
	}
	return out
}

// compareHunks diffs every file of the before tree against the human's
// after tree and against ours, and counts the human hunks we reproduce
// exactly (same lines at the same place in the original).
func compareHunks(t *testing.T, before, after, ours string, norm func(string) string) (same, total, mine int) {
	if norm == nil {
		norm = func(s string) string { return s }
	}
	t.Helper()
	err := filepath.WalkDir(before, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(before, p)
		b, _ := os.ReadFile(p)
		h, _ := os.ReadFile(filepath.Join(after, rel))
		o, _ := os.ReadFile(filepath.Join(ours, rel))
		theirs := hunks(string(b), string(h))
		our := hunks(string(b), string(o))
		total += len(theirs)
		mine += len(our)
		for _, x := range theirs {
			for _, y := range our {
				if x.OldStart == y.OldStart && x.OldLines == y.OldLines && norm(x.Body) == norm(y.Body) {
					same++
					break
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return same, total, mine
}
