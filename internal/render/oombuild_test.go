package render_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/meshready/meshready/internal/charttree"
	"github.com/meshready/meshready/internal/mesh"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/testutil"
)

// oomBuild assembles a copy of an OOM kubernetes/ tree the way OOM's own
// build does: it runs the tree's Makefiles (`make all`: every chart's
// make-% step, which runs `helm dep up` inside charts/ where a component's
// Makefile says so, then `helm dep up`, `helm package` into dist/packages
// and `helm repo index`), with the pinned helm CLI, and dist/packages served
// on 127.0.0.1 as the `local` repository OOM's `make repo` adds. One
// change: `helm lint`, which the Makefiles run between the two and which
// Helm 3 fails for Helm 2-era charts (subcharts kept as folders but not
// listed in requirements.yaml), is skipped. It returns the assembled
// kubernetes/ folder and the environment its helm runs need.
func oomBuild(t *testing.T, helm, tree string) (string, []string) {
	t.Helper()
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("skipping: OOM's Makefiles need make, which is not on the PATH")
	}
	work := t.TempDir()
	root := filepath.Join(work, "kubernetes")
	if err := os.CopyFS(root, os.DirFS(tree)); err != nil {
		t.Fatal(err)
	}
	pkgs := filepath.Join(root, "dist", "packages")
	if err := os.MkdirAll(pkgs, 0o755); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(pkgs)))
	t.Cleanup(srv.Close)
	wrap := filepath.Join(work, "bin")
	testutil.WriteFiles(t, wrap, map[string]string{
		"helm": "#!/bin/sh\n# OOM's make with Helm 3: helm lint skipped (see oomBuild)\n[ \"$1\" = lint ] && exit 0\nexec " + helm + " \"$@\"\n",
	})
	if err := os.Chmod(filepath.Join(wrap, "helm"), 0o755); err != nil {
		t.Fatal(err)
	}
	home := filepath.Join(work, "helm-home")
	env := append(os.Environ(),
		"PATH="+wrap+string(os.PathListSeparator)+os.Getenv("PATH"),
		"HELM_REPOSITORY_CONFIG="+filepath.Join(home, "repositories.yaml"),
		"HELM_REPOSITORY_CACHE="+filepath.Join(home, "cache"),
		"HELM_CACHE_HOME="+filepath.Join(home, "c"),
		"HELM_CONFIG_HOME="+filepath.Join(home, "config"),
		"HELM_DATA_HOME="+filepath.Join(home, "data"),
	)
	run := func(dir string, args ...string) {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir, cmd.Env = dir, env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, tail(out))
		}
	}
	run(pkgs, helm, "repo", "index", ".")
	run(root, helm, "repo", "add", "local", srv.URL)
	run(root, "make", "all")
	return root, env
}

func tail(b []byte) []byte {
	if len(b) > 4000 {
		return b[len(b)-4000:]
	}
	return b
}

// TestCasablancaAsOOMBuildsIt renders every casablanca chart from the source
// tree and compares it, byte for byte, with `helm template` of the chart
// OOM's Makefiles assemble (oomBuild), which keeps subcharts' own
// dependencies (dcaegen2/charts/dcae-bootstrap's postgres, oof-has's music,
// ...). Then it checks port-protocol-name against Istio's analysis on every
// Service port of that render: Istio's PortNameAnalyzer (istio/istio
// pkg/config/analysis/analyzers/service/portname.go, master 2026-08) reports
// a port when pkg/config/kube ConvertProtocol gives UnsupportedProtocol,
// which internal/mesh.Select ports and tests against Istio's cases.
func TestCasablancaAsOOMBuildsIt(t *testing.T) {
	t.Parallel() // a whole-tree comparison: see parallelOOMTests
	if testing.Short() {
		t.Skip("skipping OOM's make and the whole-tree helm comparison in -short mode")
	}
	src := testutil.OOMTree(t, "casablanca")
	helm := testutil.Tool(t, "helm")
	built, env := oomBuild(t, helm, src)
	charts, err := charttree.Discover(src)
	if err != nil {
		t.Fatal(err)
	}
	opts := render.DefaultOptions()
	opts.Set = []string{"global.masterPassword=x"}
	h := render.NewHelm(opts)
	type portKey struct {
		chart, service string
		index          int
	}
	istioFlags := map[portKey]bool{}
	objects, ports := 0, 0
	for _, dir := range charts {
		name := filepath.Base(dir)
		res, err := h.Render(context.Background(), dir)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		args := []string{"template", "onap", filepath.Join(built, name), "--namespace", "onap",
			"--set", "global.masterPassword=x", "--api-versions", strings.Join(opts.APIVersions, ",")}
		if _, ok := sameAsHelm(t, helm, env, args, res.Manifest, "oombuild-casablanca-"+name); !ok {
			continue
		}
		// res's objects are helm's: the streams are equal but for random values
		objects += len(res.Resources)
		for _, r := range res.Resources {
			if r.Kind != "Service" {
				continue
			}
			spec, _ := r.Object["spec"].(map[string]any)
			list, _ := spec["ports"].([]any)
			for i, p := range list {
				pm, _ := p.(map[string]any)
				port := mesh.Port{Name: str(pm["name"]), AppProtocol: str(pm["appProtocol"]), Protocol: str(pm["protocol"])}
				if n, err := strconv.Atoi(str(pm["port"])); err == nil {
					port.Port = int32(n)
				}
				ports++
				flagged := mesh.Select(port) == mesh.Unsupported ||
					port.Name == "tcp" && str(spec["type"]) == "ExternalName"
				if flagged {
					istioFlags[portKey{name, r.Name, i}] = true
				}
			}
		}
	}
	// OOM's build of casablanca: 817 objects (issue #16); without the
	// subcharts' own dependencies meshready rendered 772.
	if objects != 817 {
		t.Errorf("%d objects rendered by helm from OOM's build, want 817", objects)
	}

	// meshready's verdicts, from the CLI as a user runs it on the source tree.
	mr := testutil.Tool(t, "meshready")
	out, err := exec.Command(mr, "lint", src, "-o", "json", "--fail-on", "none").Output()
	if err != nil {
		t.Fatalf("meshready lint: %v", err)
	}
	var rep struct {
		Findings []struct {
			Rule, Chart, Field string
			Resource           struct{ Kind, Name string }
		}
	}
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatal(err)
	}
	portIndex := regexp.MustCompile(`^spec\.ports\[(\d+)\]`)
	ours := map[portKey]bool{}
	for _, f := range rep.Findings {
		if f.Rule != "port-protocol-name" {
			continue
		}
		m := portIndex.FindStringSubmatch(f.Field)
		if m == nil || f.Resource.Kind != "Service" {
			t.Errorf("port-protocol-name finding on %s %s field %s: not a Service port", f.Resource.Kind, f.Resource.Name, f.Field)
			continue
		}
		i, _ := strconv.Atoi(m[1])
		ours[portKey{f.Chart, f.Resource.Name, i}] = true
	}
	for k := range istioFlags {
		if !ours[k] {
			t.Errorf("%s: Service %s port %d: Istio reports it, port-protocol-name does not", k.chart, k.service, k.index)
		}
	}
	for k := range ours {
		if !istioFlags[k] {
			t.Errorf("%s: Service %s port %d: port-protocol-name reports it, Istio does not", k.chart, k.service, k.index)
		}
	}
	fmt.Printf("casablanca as OOM builds it: %d charts, %d objects byte-equal to helm; %d Service ports, Istio flags %d, port-protocol-name %d\n",
		len(charts), objects, ports, len(istioFlags), len(ours))
}

func str(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}
