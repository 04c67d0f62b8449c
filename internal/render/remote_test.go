package render_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/repo"

	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/testutil"
)

// TestFetchRemoteDependency: OOM master's authentication needs oauth2-proxy
// 8.3.3 from a chart repository. The test serves one on 127.0.0.1 (a chart
// of that name and version, packaged and indexed with Helm's own code) and
// points a copy of authentication's Chart.yaml at it (the one change to
// the chart). Offline, the render fails saying what to do; with --fetch it
// downloads the chart into Helm's repository cache and renders it; then,
// with the repository gone, it renders the same offline from the cache.
func TestFetchRemoteDependency(t *testing.T) {
	master := testutil.OOMTree(t, "master")
	tree := filepath.Join(t.TempDir(), "kubernetes")
	for _, d := range []string{"authentication", "common"} {
		if err := os.CopyFS(filepath.Join(tree, d), os.DirFS(filepath.Join(master, d))); err != nil {
			t.Fatal(err)
		}
	}

	served := t.TempDir()
	proxy := &chart.Chart{
		Metadata: &chart.Metadata{APIVersion: chart.APIVersionV2, Name: "oauth2-proxy", Version: "8.3.3"},
		Templates: []*chart.File{{Name: "templates/deployment.yaml", Data: []byte(
			"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}-served-oauth2-proxy\n" +
				"spec:\n  template:\n    spec:\n      containers:\n      - name: p\n        image: {{ .Values.image }}\n")}},
		Values: map[string]any{"image": "quay.io/oauth2-proxy/oauth2-proxy:v7"},
	}
	if _, err := chartutil.Save(proxy, served); err != nil {
		t.Fatal(err)
	}
	var (
		mu       sync.Mutex
		requests []string
	)
	asked := func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), requests...)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests = append(requests, r.URL.Path)
		mu.Unlock()
		http.FileServer(http.Dir(served)).ServeHTTP(w, r)
	}))
	idx, err := repo.IndexDirectory(served, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.WriteFile(filepath.Join(served, "index.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}

	chartFile := filepath.Join(tree, "authentication", "Chart.yaml")
	b, err := os.ReadFile(chartFile)
	if err != nil {
		t.Fatal(err)
	}
	const upstream = "https://oauth2-proxy.github.io/manifests"
	if !strings.Contains(string(b), upstream) {
		t.Fatalf("%s no longer names %s", chartFile, upstream)
	}
	if err := os.WriteFile(chartFile, []byte(strings.ReplaceAll(string(b), upstream, srv.URL)), 0o644); err != nil {
		t.Fatal(err)
	}

	home := t.TempDir()
	cache := filepath.Join(home, "repository")
	t.Setenv("HELM_REPOSITORY_CACHE", cache)
	t.Setenv("HELM_REPOSITORY_CONFIG", filepath.Join(home, "repositories.yaml"))
	t.Setenv("HELM_CACHE_HOME", filepath.Join(home, "cache"))
	t.Setenv("HELM_CONFIG_HOME", filepath.Join(home, "config"))
	t.Setenv("HELM_DATA_HOME", filepath.Join(home, "data"))

	renderWith := func(fetch bool) (*render.Result, error) {
		o := render.DefaultOptions()
		o.Set = []string{"global.masterPassword=x"}
		o.Fetch = fetch
		return render.NewHelm(o).Render(context.Background(), filepath.Join(tree, "authentication"))
	}
	servedObject := func(res *render.Result) bool {
		for _, r := range res.Resources {
			if r.Kind == "Deployment" && r.Name == "onap-served-oauth2-proxy" {
				return true
			}
		}
		return false
	}

	if _, err := renderWith(false); err == nil || !strings.Contains(err.Error(), `dependency "oauth2-proxy"`) || !strings.Contains(err.Error(), "--fetch") {
		t.Fatalf("offline with an empty cache: err = %v, want the missing dependency and --fetch", err)
	}
	if r := asked(); len(r) != 0 {
		t.Fatalf("offline render asked the repository for %v", r)
	}

	fetched, err := renderWith(true)
	if err != nil {
		t.Fatalf("--fetch: %v", err)
	}
	if !servedObject(fetched) {
		t.Fatalf("--fetch rendered %d objects, none from the served oauth2-proxy chart", len(fetched.Resources))
	}
	got, _ := filepath.Glob(filepath.Join(cache, "meshready-charts", "*", "oauth2-proxy-8.3.3.tgz"))
	if len(got) != 1 {
		t.Fatalf("the cache holds %v, want oauth2-proxy-8.3.3.tgz", got)
	}
	if r := asked(); !containsPath(r, "/index.yaml") || !containsPath(r, "/oauth2-proxy-8.3.3.tgz") {
		t.Errorf("--fetch requested %v, want the index and the archive", r)
	}

	srv.Close()
	mu.Lock()
	requests = nil
	mu.Unlock()
	offline, err := renderWith(false)
	if err != nil {
		t.Fatalf("offline from the cache: %v", err)
	}
	if offline.Manifest != fetched.Manifest {
		t.Errorf("offline render from the cache differs from the --fetch render")
	}
	if r := asked(); len(r) != 0 {
		t.Errorf("offline render asked the repository for %v", r)
	}
}

func containsPath(paths []string, p string) bool {
	for _, x := range paths {
		if x == p {
			return true
		}
	}
	return false
}
