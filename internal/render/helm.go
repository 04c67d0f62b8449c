package render

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/cli/values"
	"helm.sh/helm/v3/pkg/getter"
	"sigs.k8s.io/yaml"

	"github.com/meshready/meshready/internal/chartsource"
	"github.com/meshready/meshready/internal/charttree"
	"github.com/meshready/meshready/internal/resource"
)

// IstioAPIVersions are always offered to templates, so charts that gate
// Istio resources on .Capabilities render them.
var IstioAPIVersions = []string{
	"networking.istio.io/v1", "networking.istio.io/v1beta1", "networking.istio.io/v1alpha3",
	"security.istio.io/v1", "security.istio.io/v1beta1",
}

// Options are the `helm template` settings meshready honours.
type Options struct {
	ReleaseName string
	Namespace   string
	ValueFiles  []string
	Set         []string
	SetString   []string
	SetFile     []string
	KubeVersion string
	APIVersions []string
	// ChartPaths are the search roots for '@local' dependencies; empty
	// means the OOM tree the chart lives in.
	ChartPaths []string
	// Umbrella is a chart whose global: values are merged under the user's values.
	Umbrella string
	// AllowOutsideRoot permits file:// dependencies outside the chart's tree.
	AllowOutsideRoot bool
	// Fetch downloads dependencies from chart repositories that Helm's
	// repository cache lacks into it (charttree.Remote); without it they
	// are served from the cache or a vendored charts/*.tgz only, offline.
	Fetch bool
	// Timeout bounds one chart's render (0: DefaultTimeout). Go templates
	// cannot be interrupted, so a render past its limit is abandoned.
	Timeout time.Duration
	// LintMode renders for evaluation only (see lintmode.go): no output
	// stream, cheap stand-ins for functions no rule reads.
	LintMode bool
	// HelmCompat renders templates as an older Helm release does (one of
	// HelmCompats, e.g. "3.6"); empty is the Helm of go.mod.
	HelmCompat string
	// ExtraValues are merged under the user's values for one chart (from
	// .meshready.yaml), keyed by chart directory.
	ExtraValues func(chartDir string) []string
}

// DefaultOptions are OOM's conventional release settings.
func DefaultOptions() Options {
	return Options{ReleaseName: "onap", Namespace: "onap", APIVersions: append([]string{}, IstioAPIVersions...)}
}

// Helm renders chart directories and packaged charts with Helm's own
// loader, dependency processing and engine (action.Install in client-only
// mode, as `helm template` does), after assembling '@local' and file://
// dependencies from the source tree.
type Helm struct {
	Opts Options

	once       sync.Once
	baseVals   map[string]any
	valsErr    error
	mu         sync.Mutex
	assemblers map[string]*charttree.Assembler
	remote     *charttree.Remote
}

// NewHelm returns a renderer for the options.
func NewHelm(o Options) *Helm { return &Helm{Opts: o} }

// Render renders target, a chart directory or .tgz.
func (h *Helm) Render(ctx context.Context, target string) (*Result, error) {
	if err := CheckHelmCompat(h.Opts.HelmCompat); err != nil {
		return nil, fmt.Errorf("helm compatibility: %w", err)
	}
	ch, graph, dir, err := h.Load(target)
	if err != nil {
		return nil, err
	}
	vals, err := h.Values(dir)
	if err != nil {
		return nil, err
	}
	res := &Result{Chart: dir, ChartDir: dir, Graph: graph, Values: vals}
	if err := requireEnabled(ch, graph, vals, h.processDependenciesAs); err != nil {
		return nil, err
	}
	err = h.withTimeout(ctx, func() error {
		var err error
		if h.Opts.LintMode {
			res.Resources, err = h.renderForLint(ctx, ch, charttree.CopyValues(vals))
		} else {
			res.Manifest, err = h.RenderChart(ctx, ch, charttree.CopyValues(vals))
		}
		return err
	})
	if err != nil {
		return nil, &charttree.ChartError{Chart: dir, Err: deployTimeHint(err), File: templateFile(graph, err)}
	}
	if h.Opts.LintMode {
		return res, nil
	}
	res.Resources, err = resource.Parse(dir, []byte(res.Manifest))
	if err != nil {
		return nil, &charttree.ChartError{Chart: dir, Err: fmt.Errorf("rendered output does not parse: %w", err)}
	}
	return res, nil
}

// DefaultTimeout bounds one chart's render.
const DefaultTimeout = 2 * time.Minute

// withTimeout runs a render under the time limit. The render goroutine
// cannot be stopped (text/template has no cancellation); past the limit it
// is abandoned and its result dropped.
func (h *Helm) withTimeout(ctx context.Context, render func() error) error {
	limit := h.Opts.Timeout
	if limit <= 0 {
		limit = DefaultTimeout
	}
	done := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Errorf("rendering failed: %v", r)
			}
		}()
		done <- render()
	}()
	t := time.NewTimer(limit)
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-t.C:
		return fmt.Errorf("rendering ran past its %s time limit: a template loops or recurses without end (raise --timeout if the chart is just large)", limit)
	case <-ctx.Done():
		return ctx.Err()
	}
}

// templatePath finds the template a Helm error names, e.g.
// "template: so/charts/x/templates/a.yaml:12:3: ..." or
// "parse error at (so/templates/a.yaml:7): ...".
var templatePath = regexp.MustCompile(`([A-Za-z0-9_.\-]+(?:/charts/[A-Za-z0-9_.\-]+)*/templates/[^:()\s]+)`)

// templateFile points a Helm template error at the file on disk, walking
// "charts/<name>" steps down the dependency graph; "" when it names none.
func templateFile(g *charttree.Node, err error) string {
	m := templatePath.FindString(err.Error())
	if m == "" {
		return ""
	}
	_, file, _ := chartsource.SourceFile(g, m)
	return file
}

// Load assembles the chart at target with its dependencies.
func (h *Helm) Load(target string) (*chart.Chart, *charttree.Node, string, error) {
	abs, err := filepath.Abs(target)
	if err != nil {
		return nil, nil, target, err
	}
	if Classify(target) == KindArchive {
		c, err := loadArchive(abs)
		if err != nil {
			return nil, nil, abs, err
		}
		return c, &charttree.Node{Name: c.Name(), Version: c.Metadata.Version, Dir: abs}, abs, nil
	}
	a, err := h.assembler(abs)
	if err != nil {
		return nil, nil, abs, err
	}
	c, g, err := a.Assemble(abs)
	return c, g, abs, err
}

func (h *Helm) assembler(chartDir string) (*charttree.Assembler, error) {
	roots := h.Opts.ChartPaths
	treeRoot := charttree.TreeRoot(chartDir)
	if len(roots) == 0 {
		roots = []string{treeRoot}
	}
	key := strings.Join(roots, "\x00") + "\x01" + treeRoot
	h.mu.Lock()
	defer h.mu.Unlock()
	if a, ok := h.assemblers[key]; ok {
		return a, nil
	}
	a, err := charttree.NewAssembler(treeRoot, roots...)
	if err != nil {
		return nil, err
	}
	a.AllowOutsideRoot = h.Opts.AllowOutsideRoot
	if h.remote == nil {
		h.remote = charttree.NewRemote(h.Opts.Fetch)
	}
	a.Remote = h.remote
	if h.assemblers == nil {
		h.assemblers = map[string]*charttree.Assembler{}
	}
	h.assemblers[key] = a
	return a, nil
}

// Costs estimates the relative rendering cost of each target, for
// scheduling the largest first: the number of charts in a chart folder (it
// and its subcharts, from the tree's index, which the first render needs
// anyway), or 1 for anything else. Shared dependencies outside the folder,
// such as common, are left out: every chart pays for them alike.
func (h *Helm) Costs(targets []Target) []int64 {
	out := make([]int64, len(targets))
	for i, t := range targets {
		out[i] = 1
		if t.Kind != KindChart {
			continue
		}
		dir, err := filepath.Abs(t.Path)
		if err != nil {
			continue
		}
		if a, err := h.assembler(dir); err == nil {
			out[i] += int64(a.Index.ChartsUnder(dir))
		}
	}
	return out
}

// Values merges, for one chart: the umbrella's globals, the chart's extra
// values files from the configuration, then the user's -f/--set flags.
// The result is a fresh copy each call (Helm mutates it).
func (h *Helm) Values(chartDir string) (map[string]any, error) {
	h.once.Do(func() { h.baseVals, h.valsErr = h.userValues() })
	if h.valsErr != nil {
		return nil, h.valsErr
	}
	out := map[string]any{}
	if h.Opts.Umbrella != "" {
		g, err := h.umbrellaGlobals(h.Opts.Umbrella)
		if err != nil {
			return nil, err
		}
		if g != nil {
			out["global"] = g
		}
	}
	if h.Opts.ExtraValues != nil {
		if files := h.Opts.ExtraValues(chartDir); len(files) > 0 {
			extra, err := (&values.Options{ValueFiles: files}).MergeValues(getter.Providers{})
			if err != nil {
				return nil, fmt.Errorf("%s: extra values: %w", chartDir, err)
			}
			out = chartutil.MergeTables(extra, out)
		}
	}
	user := chartutil.MergeTables(charttree.CopyValues(h.baseVals), out)
	if h.Opts.LintMode {
		// below everything the user gives (DeployTimeValues)
		user = chartutil.MergeTables(user, deployTimeStandIns())
	}
	return user, nil
}

func (h *Helm) umbrellaGlobals(dir string) (map[string]any, error) {
	p := filepath.Join(dir, "values.yaml")
	b, err := h.umbrellaValues(p)
	if err != nil {
		return nil, err
	}
	var v map[string]any
	if err := yaml.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	g, _ := v["global"].(map[string]any)
	return g, nil
}

// RenderChart returns the stream `helm template` prints for the chart:
// manifests, then hooks. It runs Helm's own steps (renderFiles) with the
// dependency processing and value coalescing ported without their
// quadratic cost on umbrellas, which made Helm's install action slower than
// the helm CLI (TestOOMParity holds it byte-equal to the helm CLI).
func (h *Helm) RenderChart(_ context.Context, ch *chart.Chart, vals map[string]any) (string, error) {
	files, err := h.renderFiles(ch, vals, nil)
	if err != nil {
		return "", err
	}
	return helmTemplateStream(ch, files)
}

// MaxArchiveBytes bounds a packaged chart, compressed.
const MaxArchiveBytes = 32 << 20

func loadArchive(path string) (*chart.Chart, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Size() > MaxArchiveBytes {
		return nil, &charttree.ChartError{Chart: path, File: path, Err: fmt.Errorf("%d bytes is too large for a packaged chart (limit %d)", st.Size(), MaxArchiveBytes)}
	}
	data, err := os.ReadFile(path)
	if err == nil {
		err = charttree.CheckArchive(data) // one budget for the archive and the archives nested in it
	}
	if err != nil {
		return nil, &charttree.ChartError{Chart: path, File: path, Err: err}
	}
	c, err := loader.LoadFile(path)
	if err != nil {
		return nil, &charttree.ChartError{Chart: path, File: path, Err: err}
	}
	return c, nil
}

// IsChartError reports whether err is about a chart's content (exit code 2).
func IsChartError(err error) bool {
	var ce *charttree.ChartError
	return errors.As(err, &ce)
}
