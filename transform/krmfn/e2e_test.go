package krmfn

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"

	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/testutil"
)

// e2eValidator lints the function's output in the end-to-end tests. It is
// nil until the rules engine exists; set it from an init() in another
// _test.go file of this package and Readiness adds its error findings.
var e2eValidator Validator

// oomChart is a chart of the shared master tree, or a skip.
func oomChart(t testing.TB, name string) string {
	t.Helper()
	dir := filepath.Join(testutil.OOMTree(t, "master"), name)
	if _, err := os.Stat(filepath.Join(dir, "Chart.yaml")); err != nil {
		t.Fatalf("%s is not a chart of the OOM master tree: %v", name, err)
	}
	return dir
}

// renderChart renders an OOM chart in-process, as `meshready render` does,
// once per test process: the end-to-end tests feed the same chart (so) to
// kustomize, kpt and the function, each writing its own copy to disk.
func renderChart(t testing.TB, dir string) []byte {
	t.Helper()
	m, err := renderManifest(dir)
	if err != nil {
		t.Fatalf("render %s: %v", dir, err)
	}
	return []byte(m)
}

var (
	renderMu   sync.Mutex
	renderMemo = map[string]renderResult{}
	// oomHelm is the one exact renderer of the tests (its chart loads are
	// shared): OOM's secrets need a master password.
	oomHelm = func() *render.Helm {
		opts := render.DefaultOptions()
		opts.Set = []string{"global.masterPassword=x"}
		return render.NewHelm(opts)
	}()
)

type renderResult struct {
	manifest string
	err      error
}

// renderManifest is `helm template`'s stream for an OOM chart directory,
// rendered once per test process (errors too).
func renderManifest(dir string) (string, error) {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	renderMu.Lock()
	defer renderMu.Unlock()
	if r, ok := renderMemo[dir]; ok {
		return r.manifest, r.err
	}
	var r renderResult
	res, err := oomHelm.Render(context.Background(), dir)
	if err != nil {
		r.err = err
	} else {
		r.manifest = res.Manifest
	}
	renderMemo[dir] = r
	return r.manifest, r.err
}

// toolsDir holds the benchmarks' inputs; TestMain removes it.
var toolsDir string

// meshreadyBin is meshready built once per test run (testutil.Tool).
func meshreadyBin(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds meshready; skipped with -short")
	}
	return testutil.Tool(t, "meshready")
}

// kustomizeBin is kustomize built from go.mod's tool (testutil.Tool).
func kustomizeBin(t testing.TB) string {
	t.Helper()
	return testutil.Tool(t, "kustomize")
}

func kptBin(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("kpt")
	if err != nil {
		t.Skip("kpt is not installed: skipping the kpt end-to-end test")
	}
	return p
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

func TestMain(m *testing.M) {
	testutil.PaceGC() // for the OOM-tree renders
	code := m.Run()
	if toolsDir != "" {
		os.RemoveAll(toolsDir)
	}
	os.Exit(code)
}

// runCmd runs a command, returning stdout, stderr and the exit code.
func runCmd(t testing.TB, dir string, stdin []byte, name string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return stdout.String(), stderr.String(), code
}

// assertReady reads a manifest stream and fails on every readiness problem.
func assertReady(t *testing.T, stream []byte) {
	t.Helper()
	items, err := (&kio.ByteReader{Reader: bytes.NewReader(stream), OmitReaderAnnotations: true}).Read()
	if err != nil {
		t.Fatalf("output does not parse: %v", err)
	}
	if len(items) == 0 {
		t.Fatal("no output")
	}
	problems, err := Readiness(context.Background(), items, "onap", e2eValidator)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
	gen := 0
	for _, it := range items {
		if it.GetAnnotations()[GeneratedAnnotation] == "true" {
			gen++
		}
	}
	if gen == 0 {
		t.Error("no generated Istio resources in the output")
	}
}

const e2eConfig = `apiVersion: fn.meshready.dev/v1alpha1
kind: MeshReady
metadata:
  name: meshready
  annotations:
    config.kubernetes.io/local-config: "true"
    config.kubernetes.io/function: |
      exec:
        path: ./bin/meshready
        args: [fn]
spec:
  authorizationPolicy:
    enabled: true
    serviceAccounts: [istio-system/istio-ingressgateway-service-account]
  istio:
    # OOM's Jobs and readiness init containers need native sidecars.
    kubernetesVersion: "1.30"
`

// TestE2EKustomizeOOM runs the function as a kustomize exec transformer
// over a rendered OOM chart, then again over the result.
func TestE2EKustomizeOOM(t *testing.T) {
	so := renderChart(t, oomChart(t, "so"))
	bin, kz := meshreadyBin(t), kustomizeBin(t)
	dir := t.TempDir()
	mustLink(t, bin, filepath.Join(dir, "bin", "meshready"))
	write(t, filepath.Join(dir, "meshready.yaml"), e2eConfig)
	write(t, filepath.Join(dir, "kustomization.yaml"), "resources:\n- so.yaml\ntransformers:\n- meshready.yaml\n")
	write(t, filepath.Join(dir, "so.yaml"), string(so))
	first, stderr, code := runCmd(t, dir, nil, kz, "build", "--enable-alpha-plugins", "--enable-exec", ".")
	if code != 0 {
		t.Fatalf("kustomize build: exit %d\n%s", code, stderr)
	}
	assertReady(t, []byte(first))

	write(t, filepath.Join(dir, "so.yaml"), first)
	second, stderr, code := runCmd(t, dir, nil, kz, "build", "--enable-alpha-plugins", "--enable-exec", ".")
	if code != 0 {
		t.Fatalf("second kustomize build: exit %d\n%s", code, stderr)
	}
	if first != second {
		t.Errorf("second pass is not byte-identical:\n%s", firstDiff(first, second))
	}
}

// TestE2EStandaloneOOM pipes `helm template` output through `meshready fn
// --config`, then the output through it again.
func TestE2EStandaloneOOM(t *testing.T) {
	so := renderChart(t, oomChart(t, "so"))
	bin := meshreadyBin(t)
	dir := t.TempDir()
	write(t, filepath.Join(dir, "cfg.yaml"), e2eConfig)
	first, stderr, code := runCmd(t, dir, so, bin, "fn", "--config", "cfg.yaml")
	if code != 0 {
		t.Fatalf("meshready fn: exit %d\n%s", code, stderr)
	}
	assertReady(t, []byte(first))
	second, stderr, code := runCmd(t, dir, []byte(first), bin, "fn", "--config", "cfg.yaml")
	if code != 0 {
		t.Fatalf("second pass: exit %d\n%s", code, stderr)
	}
	if first != second {
		t.Errorf("second pass is not byte-identical:\n%s", firstDiff(first, second))
	}
	// With validation off, the only results are the transforms' own
	// reports: on its own output there must be none.
	write(t, filepath.Join(dir, "quiet.yaml"), e2eConfig+"  validation:\n    enabled: false\n")
	_, stderr, code = runCmd(t, dir, []byte(first), bin, "fn", "--config", "quiet.yaml")
	if code != 0 || stderr != "" {
		t.Errorf("second pass without validation reported results (exit %d), so it changed something:\n%s", code, stderr)
	}
}

// TestE2EKptOOM runs `kpt fn eval --exec` over a package of a rendered
// OOM chart, twice.
func TestE2EKptOOM(t *testing.T) {
	kpt := kptBin(t)
	so := renderChart(t, oomChart(t, "so"))
	bin := meshreadyBin(t)
	dir := t.TempDir()
	mustLink(t, bin, filepath.Join(dir, "meshready"))
	pkg := filepath.Join(dir, "pkg")
	write(t, filepath.Join(pkg, "so.yaml"), string(so))
	eval := func() string {
		_, stderr, code := runCmd(t, dir, nil, kpt, "fn", "eval", "pkg", "--exec", "./meshready fn", "--",
			"peerAuthentication.mode=STRICT", "generated.path=istio.yaml", "istio.kubernetesVersion=1.30")
		if code != 0 {
			t.Fatalf("kpt fn eval: exit %d\n%s", code, stderr)
		}
		return readTree(t, pkg)
	}
	first := eval()
	if !fileExists(filepath.Join(pkg, "istio.yaml")) {
		t.Error("kpt did not write the generated resources to istio.yaml")
	}
	assertReady(t, []byte(first))
	if second := eval(); first != second {
		t.Errorf("second kpt pass changed the package:\n%s", firstDiff(first, second))
	}
}

// TestE2EDuplicateKeys feeds a chart kustomize rejects for duplicate keys
// (aai) to the function: a clear error naming the resource and key, exit 2.
func TestE2EDuplicateKeys(t *testing.T) {
	aai := renderChart(t, oomChart(t, "aai"))
	bin := meshreadyBin(t)
	dir := t.TempDir()
	out, stderr, code := runCmd(t, dir, aai, bin, "fn")
	if code != ExitBadInput {
		t.Fatalf("exit %d, want %d", code, ExitBadInput)
	}
	if out != "" {
		t.Errorf("standalone run wrote output despite bad input:\n%.300s", out)
	}
	if !strings.Contains(stderr, `duplicate mapping key "startupProbe"`) || !strings.Contains(stderr, "Deployment onap/") {
		t.Errorf("stderr does not name the resource and key:\n%s", stderr)
	}

	// As a KRM function: a ResourceList in, a ResourceList with results out.
	var rl bytes.Buffer
	rw := &kio.ByteReadWriter{Reader: bytes.NewReader(aai), Writer: &rl, OmitReaderAnnotations: true, KeepReaderAnnotations: true,
		WrappingKind: kio.ResourceListKind, WrappingAPIVersion: kio.ResourceListAPIVersion}
	items, err := rw.Read()
	if err != nil {
		t.Fatal(err)
	}
	rw.WrappingKind, rw.WrappingAPIVersion = kio.ResourceListKind, kio.ResourceListAPIVersion
	if err := rw.Write(items); err != nil {
		t.Fatal(err)
	}
	out, _, code = runCmd(t, dir, rl.Bytes(), bin, "fn")
	if code != ExitBadInput {
		t.Fatalf("KRM mode: exit %d, want %d", code, ExitBadInput)
	}
	if !strings.HasPrefix(out, "apiVersion: config.kubernetes.io/v1\nkind: ResourceList") || !strings.Contains(out, "results:") ||
		!strings.Contains(out, `duplicate mapping key \"startupProbe\"`) && !strings.Contains(out, `duplicate mapping key "startupProbe"`) {
		t.Errorf("KRM mode output lacks a results entry naming the key:\n%.2000s", out)
	}

	// kustomize itself rejects the chart; kpt hands it to the function.
	if kpt, err := exec.LookPath("kpt"); err == nil {
		mustLink(t, bin, filepath.Join(dir, "meshready"))
		write(t, filepath.Join(dir, "pkg", "aai.yaml"), string(aai))
		_, stderr, code := runCmd(t, dir, nil, kpt, "fn", "eval", "pkg", "--exec", "./meshready fn")
		if code == 0 || !strings.Contains(stderr, "startupProbe") {
			t.Errorf("kpt fn eval over aai: exit %d, stderr:\n%s", code, stderr)
		}
	}
}

// TestExamples runs examples/kustomize and examples/kpt as a user would.
func TestExamples(t *testing.T) {
	root := testutil.RepoRoot(t)
	bin := meshreadyBin(t)
	dir := t.TempDir()
	mustLink(t, bin, filepath.Join(dir, "bin", "meshready"))
	copyDir(t, filepath.Join(root, "examples"), filepath.Join(dir, "examples"))

	t.Run("kustomize", func(t *testing.T) {
		out, stderr, code := runCmd(t, dir, nil, kustomizeBin(t), "build", "--enable-alpha-plugins", "--enable-exec", "examples/kustomize")
		if code != 0 {
			t.Fatalf("kustomize build: exit %d\n%s", code, stderr)
		}
		assertReady(t, []byte(out))
		for _, want := range []string{"name: http-api", "name: tcp-transport", "kind: AuthorizationPolicy", "name: demo-api-authz", `sidecar.istio.io/inject: "true"`} {
			if !strings.Contains(out, want) {
				t.Errorf("kustomize output lacks %q", want)
			}
		}
	})
	t.Run("kpt", func(t *testing.T) {
		kpt := kptBin(t)
		pkg := filepath.Join(dir, "examples", "kpt")
		_, stderr, code := runCmd(t, pkg, nil, kpt, "fn", "render", "--allow-exec")
		if code != 0 {
			t.Fatalf("kpt fn render: exit %d\n%s", code, stderr)
		}
		gen := filepath.Join(pkg, "istio", "meshready.yaml")
		if !fileExists(gen) {
			t.Fatalf("kpt did not write %s", gen)
		}
		first := readTree(t, pkg)
		assertReady(t, []byte(first))
		if _, stderr, code := runCmd(t, pkg, nil, kpt, "fn", "render", "--allow-exec"); code != 0 {
			t.Fatalf("second kpt fn render: exit %d\n%s", code, stderr)
		}
		if second := readTree(t, pkg); first != second {
			t.Errorf("second render changed the package:\n%s", firstDiff(first, second))
		}
	})
}

func write(t testing.TB, p, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mustLink(t testing.TB, src, dst string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(src, dst); err != nil {
		t.Fatal(err)
	}
}

func copyDir(t testing.TB, src, dst string) {
	t.Helper()
	testutil.CopyDir(t, src, dst)
}

// readTree concatenates a package's YAML files (not the Kptfile), sorted by path.
func readTree(t testing.TB, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") {
			b.WriteString("\n")
		}
		if b.Len() > 0 {
			b.WriteString("---\n")
		}
		b.Write(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// firstDiff shows the first differing line.
func firstDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(la) && i < len(lb); i++ {
		if la[i] != lb[i] {
			return "line " + strconv.Itoa(i+1) + ":\n- " + la[i] + "\n+ " + lb[i]
		}
	}
	return "lengths differ: " + strconv.Itoa(len(la)) + " vs " + strconv.Itoa(len(lb)) + " lines"
}
