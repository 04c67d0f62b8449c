package fix

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/meshready/meshready/internal/testutil"
)

// The pairs bar of issue #18, through the CLI: the built binary's
//
//	meshready fix <chart> --set global.masterPassword=x --write --inject-style label
//
// on a copy of each pair's `before` tree, with no scope and no protocol
// table, must carry the same injection intent and the same Istio port
// protocols as the human `after` tree for every change the humans made.
//
// A change the humans made is a workload whose injection intent, or a
// Service port whose Istio protocol, differs between the renders of the
// before and the after tree. Injection intent is what the pod asks of the
// webhook: the value of sidecar.istio.io/inject among the pod template's
// labels, else among its annotations ("<unset>" when neither has it). The
// humans of 2018 wrote the annotation "true", which asked Istio 1.0's
// webhook for a sidecar; upstream Istio's webhooks select pods by the label
// (the annotation can only opt out), so the fixer's style that asks for the
// same thing today is --inject-style label. Port protocols are compared as
// Istio selects them (mesh.Select, kube.ConvertProtocol in Istio's
// pkg/config/kube/conversion.go) at the newest release the model covers.
//
// cliPairs holds, per pair, the chart and the number of human changes
// measured reproduced (the floor): 16 of 16.
var cliPairs = []struct {
	name, chart  string
	floor, total int
}{
	{"MSB-226-inject", "msb", 4, 4},
	{"MSB-226-ports", "msb", 6, 6},
	{"MULTICLOUD-290", "multicloud", 6, 6},
}

func TestPairsCLI(t *testing.T) {
	oom := testutil.OOM(t)
	bin := meshreadyBinary(t)
	got, total := 0, 0
	for _, c := range cliPairs {
		t.Run(c.name, func(t *testing.T) {
			before := filepath.Join(oom, "pairs", c.name, "before", "kubernetes", c.chart)
			after := filepath.Join(oom, "pairs", c.name, "after", "kubernetes", c.chart)
			work := filepath.Join(copyTree(t, filepath.Join(oom, "pairs", c.name, "before")), "kubernetes")
			cmd := exec.Command(bin, "fix", c.chart, "--set", "global.masterPassword=x", "--write", "--inject-style", "label")
			cmd.Dir = work
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("meshready fix: %v\n%s", err, out)
			}
			// injection intent: the label, else the annotation
			intent := func(chart string) facts {
				return renderFacts(t, chart, []string{"global.masterPassword=x"}, "labels", "annotations")
			}
			fb, fa, ff := intent(before), intent(after), intent(filepath.Join(work, c.chart))
			n, m, report := 0, 0, []string{}
			for _, k := range changedKeys(fb.inject, fa.inject) {
				m++
				ok := ff.inject[k] == fa.inject[k]
				if ok {
					n++
				}
				report = append(report, fmt.Sprintf("%s injection %s: before %q, human %q, fixer %q", mark(ok), k, fb.inject[k], fa.inject[k], ff.inject[k]))
			}
			for _, k := range changedKeys(fb.ports, fa.ports) {
				m++
				ok := ff.ports[k] == fa.ports[k]
				if ok {
					n++
				}
				report = append(report, fmt.Sprintf("%s port %s: before %q, human %q, fixer %q; fix said: %s", mark(ok), k, fb.ports[k], fa.ports[k], ff.ports[k], portMessage(string(out), k)))
			}
			for _, k := range changedKeys(fa.inject, ff.inject) {
				if fb.inject[k] == fa.inject[k] { // the humans left it; the fixer did not
					report = append(report, fmt.Sprintf("  beyond the humans: injection %s: human %q, fixer %q", k, fa.inject[k], ff.inject[k]))
				}
			}
			for _, k := range changedKeys(fa.ports, ff.ports) {
				if fb.ports[k] == fa.ports[k] {
					report = append(report, fmt.Sprintf("  beyond the humans: port %s: human %q, fixer %q; fix said: %s", k, fa.ports[k], ff.ports[k], portMessage(string(out), k)))
				}
			}
			t.Logf("%s: %d of %d human changes reproduced\n%s", c.name, n, m, strings.Join(report, "\n"))
			if m != c.total {
				t.Errorf("the humans made %d changes, the pair is known to hold %d: the renders changed", m, c.total)
			}
			if n < c.floor {
				t.Errorf("%d of %d human changes reproduced, below the measured %d", n, m, c.floor)
			}
			got += n
			total += m
		})
	}
	t.Logf("pairs bar: %d of %d human changes reproduced", got, total)
}

func mark(ok bool) string {
	if ok {
		return "ok  "
	}
	return "MISS"
}

// meshreadyBinary is $MESHREADY_BIN, or meshready built for this test.
func meshreadyBinary(t *testing.T) string {
	t.Helper()
	if b := os.Getenv("MESHREADY_BIN"); b != "" {
		return b
	}
	b := filepath.Join(t.TempDir(), "meshready")
	cmd := exec.Command("go", "build", "-o", b, "./cmd/meshready")
	cmd.Dir = testutil.RepoRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/meshready: %v\n%s", err, out)
	}
	return b
}

// changedKeys are the keys whose values differ between a and b, sorted.
func changedKeys(a, b map[string]string) []string {
	var out []string
	for k := range b {
		if a[k] != b[k] {
			out = append(out, k)
		}
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// portMessage is the line fix printed about Service port "svc:number".
func portMessage(out, key string) string {
	svc, num, _ := strings.Cut(key, ":")
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "Service/"+svc+" spec.ports[") && strings.Contains(l, "port "+num+" (") {
			return strings.TrimSpace(l)
		}
	}
	return "(nothing)"
}
