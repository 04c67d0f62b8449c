package fix

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/meshready/meshready/internal/mesh"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/testutil"
	"github.com/meshready/meshready/rules"
)

// problemLine matches the first line of each self-check problem ("chart (variant): ...").
var problemLine = regexp.MustCompile(`^[a-z0-9][-a-z0-9/]* [(:]`)

var (
	engineOnce sync.Once
	engine     *rules.Engine
	engineErr  error
)

// testOptions are the CLI's defaults, with one compiled engine per test run,
// for a mesh where the fixer's default annotation style injects: OpenShift
// Service Mesh 2.x with the release namespace a mesh member. Upstream Istio
// reads the annotation only to opt out, and the fixer refuses there (see
// TestAnnotationStyleRefusedUpstream).
func testOptions(t testing.TB, workDir string) Options {
	t.Helper()
	engineOnce.Do(func() { engine, engineErr = rules.NewDefault(context.Background()) })
	if engineErr != nil {
		t.Fatal(engineErr)
	}
	return Options{
		Render: render.DefaultOptions(),
		Settings: rules.Settings{Namespace: "onap", NamespaceLabels: map[string]string{mesh.OpenShiftMemberLabel: "istio-system"}, TraceFormat: "b3",
			IstioFlavor: mesh.FlavorOpenShift2},
		Engine:  engine,
		WorkDir: workDir,
	}
}

func testdata(t testing.TB) string {
	t.Helper()
	d, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// summary is the golden text of a run: the diff, what was done and refused,
// and the self-check's verdict (first lines only: go-cmp's output is not
// stable by design).
func summary(res *Result) string {
	var b strings.Builder
	b.WriteString(res.Diff)
	b.WriteString("# changes\n")
	for _, c := range res.Changes {
		b.WriteString(c.String() + "\n")
	}
	b.WriteString("# refusals\n")
	for _, c := range res.Refusals {
		b.WriteString(c.String() + "\n")
	}
	b.WriteString("# errors\n")
	for _, e := range res.Errors {
		b.WriteString(e + "\n")
	}
	b.WriteString("# self-check\n")
	if res.Check == nil {
		b.WriteString("ok\n")
	} else {
		for _, l := range strings.Split(res.Check.Error(), "\n") {
			if problemLine.MatchString(l) {
				b.WriteString(l + "\n")
			}
		}
	}
	return b.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	testutil.Golden(t, filepath.Join("testdata", "golden", name), []byte(got))
}

// TestFixtures runs the fixer over the fixture charts (dry run) and keeps
// the diff, the changes, the refusals and the self-check's verdict golden.
func TestFixtures(t *testing.T) {
	td := testdata(t)
	for _, c := range []struct {
		name   string
		inputs []string
		opts   func(*Options)
	}{
		{"charts", []string{"charts"}, nil},
		{"label-style", []string{"charts/web", "charts/values-ports"}, func(o *Options) { o.Only = []string{OpInjection}; o.InjectStyle = StyleLabel }},
		{"ports-only", []string{"charts/web"}, func(o *Options) { o.Only = []string{OpPorts} }},
		{"precedent", []string{"precedent"}, nil},
		{"selfcheck-trap", []string{"trap"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := testOptions(t, td)
			if c.opts != nil {
				c.opts(&o)
			}
			var in []string
			for _, i := range c.inputs {
				in = append(in, filepath.Join(td, i))
			}
			res, err := Run(context.Background(), in, o)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, c.name+".txt", summary(res))
		})
	}
}

// TestDependencyPortRefused: a port a dependency chart renders (common/etcd
// under multicloud) is refused with the chart that owns its name.
func TestDependencyPortRefused(t *testing.T) {
	td := testdata(t)
	o := testOptions(t, td)
	o.Only = []string{OpPorts}
	res, err := Run(context.Background(), []string{filepath.Join(td, "scope", "app")}, o)
	if err != nil || res.Check != nil {
		t.Fatalf("scope run: %v / %v", err, res.Check)
	}
	found := false
	for _, r := range res.Refusals {
		found = found || r.Resource == "Service/lib" && strings.Contains(r.Message, "outside scope/app, in chart scope/lib: fix that chart")
	}
	if !found || len(res.Files) != 0 {
		t.Errorf("refusals %v, files %v: want Service/lib refused naming chart scope/lib, nothing edited", res.Refusals, res.Files)
	}
}

// TestRefusals checks each case the fixer must leave alone, with its
// reason, while the rest of the run goes on.
func TestRefusals(t *testing.T) {
	td := testdata(t)
	res, err := Run(context.Background(), []string{filepath.Join(td, "charts")}, testOptions(t, td))
	if err != nil {
		t.Fatal(err)
	}
	if res.Check != nil {
		t.Fatalf("self-check: %v", res.Check)
	}
	for _, c := range []struct{ chart, resource, want string }{
		{"helper-annotations", "Deployment/onap-helper-annotations", `the pod annotations come from helper "helper-annotations.podMetadata"`},
		{"inline-annotations", "Deployment/onap-inline-annotations", "are an inline map ({prometheus.io/scrape: \"true\"})"},
		{"toyaml-unknown", "Deployment/onap-toyaml-unknown", "toYaml of an unknown value"},
		{"conditional-annotations", "Deployment/onap-conditional-annotations", "sit inside a template conditional"},
		{"opt-out-value", "Deployment/onap-opt-out-value", "sets istioSidecar: false, an opt-out"},
		{"port-printf", "Service/port-printf", `the name is built by {{ printf "%s-%d" .Values.service.name 7000 }}`},
		{"port-loop", "Service/port-loop", "sits in a range loop"},
		{"app-protocol", "Service/app-protocol", `appProtocol "fancy" is set by hand`},
		{"quote-name", "Service/quote-name", "the name is built by {{ .Values.service.name | quote }}"},
		{"empty-name", "Service/empty-name", "writes the port's name, but it renders empty"},
		{"dup-name", "Service/dup-name", `the Service names two ports "web"`},
	} {
		found := false
		for _, r := range res.Refusals {
			if r.Chart == c.chart && r.Resource == c.resource && strings.Contains(r.Message, c.want) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s %s: no refusal saying %q; refusals:\n%v", c.chart, c.resource, c.want, res.Refusals)
		}
		for _, ch := range res.Changes {
			if ch.Chart == c.chart && ch.Resource == c.resource {
				t.Errorf("%s %s was refused and changed: %s", c.chart, c.resource, ch)
			}
		}
	}
	// a dependency outside the chart given is left to its own run
	scoped, err := Run(context.Background(), []string{filepath.Join(td, "scope", "app")}, testOptions(t, td))
	if err != nil || scoped.Check != nil {
		t.Fatalf("scope run: %v / %v", err, scoped.Check)
	}
	var libRefusals []Change
	for _, r := range scoped.Refusals {
		if r.Resource == "Deployment/lib" {
			libRefusals = append(libRefusals, r)
		}
	}
	if len(libRefusals) != 1 || !strings.Contains(libRefusals[0].Message, "is outside scope/app") {
		t.Errorf("scope refusals = %v, want Deployment/lib refused as outside scope/app", scoped.Refusals)
	}
	for _, f := range scoped.Files {
		if !strings.Contains(f.Path, filepath.Join("scope", "app")) {
			t.Errorf("%s edited outside the chart given", f.Path)
		}
	}
	// and the rest went on
	for _, want := range []string{"Deployment/onap-web", "Service/onap-web", "Service/onap-web-admin", "Deployment/onap-values-ports", "Service/api"} {
		found := false
		for _, ch := range res.Changes {
			found = found || ch.Resource == want
		}
		if !found {
			t.Errorf("%s was not fixed alongside the refusals", want)
		}
	}
}

// TestSelfCheckBlocksWrite: an edit whose value also steers template logic
// changes more than intended; the run says so and writes nothing.
func TestSelfCheckBlocksWrite(t *testing.T) {
	dir := copyTree(t, filepath.Join(testdata(t), "trap"))
	before := hashTree(t, dir)
	res, err := Run(context.Background(), []string{dir}, testOptions(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	if res.Check == nil || !strings.Contains(res.Check.Error(), "changed beyond the fix") || !strings.Contains(res.Check.Error(), "legacy-port") {
		t.Fatalf("self-check = %v, want it to report the lost legacy-port label", res.Check)
	}
	if err := res.Write(); err == nil {
		t.Fatal("Write succeeded although the self-check failed")
	}
	if after := hashTree(t, dir); after != before {
		t.Error("the tree changed although the self-check failed")
	}
}

// TestGitApply: the printed diff applied with `git apply` gives the same
// tree as --write, and a second run finds nothing to do.
func TestGitApply(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	src := filepath.Join(testdata(t), "charts")
	a, b := copyTree(t, src), copyTree(t, src)
	res, err := Run(context.Background(), []string{a}, testOptions(t, a))
	if err != nil || res.Check != nil {
		t.Fatalf("run: %v / self-check: %v", err, res.Check)
	}
	if res.Diff == "" {
		t.Fatal("empty diff")
	}
	patch := filepath.Join(t.TempDir(), "fix.patch")
	if err := os.WriteFile(patch, []byte(res.Diff), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("git", "apply", "--verbose", patch)
	cmd.Dir = b
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git apply: %v\n%s", err, out)
	}
	if err := res.Write(); err != nil {
		t.Fatal(err)
	}
	if ha, hb := hashTree(t, a), hashTree(t, b); ha != hb {
		t.Errorf("git apply and --write disagree:\n%s\nvs\n%s", ha, hb)
	}
	again, err := Run(context.Background(), []string{a}, testOptions(t, a))
	if err != nil || again.Check != nil {
		t.Fatalf("second run: %v / %v", err, again.Check)
	}
	if again.Diff != "" || len(again.Changes) != 0 {
		t.Errorf("a second run would change:\n%s%v", again.Diff, again.Changes)
	}
}

// copyTree copies a folder into a new temporary folder, keeping modes.
func copyTree(t testing.TB, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		out := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(out, info.Mode().Perm()|0o700)
		}
		if !info.Mode().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		// a working copy: writable by its owner, as a checkout is, even
		// when the source (the read-only shared OOM trees) is not
		return os.WriteFile(out, b, info.Mode().Perm()|0o200)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// hashTree lists every file under dir with its mode and SHA-256.
func hashTree(t testing.TB, dir string) string {
	t.Helper()
	var lines []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		lines = append(lines, fmt.Sprintf("%s %v %x", rel, info.Mode(), sha256.Sum256(b)))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// TestAnnotationStyleRefusedUpstream: upstream Istio's webhooks select a pod
// in a namespace without injection labels by its label only, so the
// annotation would inject nothing; the fixer refuses and says why instead of
// writing an edit that leaves the pod outside the mesh.
func TestAnnotationStyleRefusedUpstream(t *testing.T) {
	td := testdata(t)
	o := testOptions(t, td)
	o.Settings.IstioFlavor = ""
	o.Settings.NamespaceLabels = map[string]string{}
	res, err := Run(context.Background(), []string{filepath.Join(td, "charts", "web")}, o)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range res.Refusals {
		if r.Resource == "Deployment/onap-web" && strings.Contains(r.Message, "would not inject it") &&
			strings.Contains(r.Message, "the annotation can only opt out") {
			found = true
		}
	}
	if !found {
		t.Errorf("no refusal for Deployment/onap-web saying the annotation would not inject it; refusals: %v", res.Refusals)
	}
	for _, ch := range res.Changes {
		if ch.Resource == "Deployment/onap-web" && strings.Contains(ch.Field, "sidecar.istio.io/inject") {
			t.Errorf("the annotation was written anyway: %s", ch)
		}
	}
}
