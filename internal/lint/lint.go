// Package lint is the main job: it renders each input, evaluates the rules
// over the rendered resources, maps every hit to the chart line a person
// edits, and applies suppressions and configuration. Charts render in
// parallel; the report comes out sorted, so it does not depend on timing.
package lint

import (
	"context"
	"errors"
	"fmt"
	"github.com/meshready/meshready/internal/memguard"
	"io"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/meshready/meshready/internal/chartsource"
	"github.com/meshready/meshready/internal/charttree"
	"github.com/meshready/meshready/internal/config"
	"github.com/meshready/meshready/internal/finding"
	"github.com/meshready/meshready/internal/mesh"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/resource"
	"github.com/meshready/meshready/internal/sourcemap"
	"github.com/meshready/meshready/internal/workpool"
	"github.com/meshready/meshready/rules"
)

// IgnoreAnnotation lists rule ids to skip on a resource or its pod template.
const IgnoreAnnotation = "meshready.io/ignore"

// Options configure a lint run.
type Options struct {
	Render   render.Options
	Config   *config.Config
	Settings rules.Settings
	// Workers render charts in parallel (default: the number of CPUs).
	Workers int
	// Progress, when set, receives a progress line per chart (stderr on a terminal).
	Progress io.Writer
	// Stdin feeds the "-" input.
	Stdin io.Reader
	// WorkDir is what finding file paths are made relative to (default: the current directory).
	WorkDir string
	// PlainRender renders exactly as `helm template` does, without lint
	// mode's shortcuts (for the test that proves they change no finding).
	PlainRender bool
	// Sources is the run's source file cache, shared with whoever else
	// reads the chart sources in the run (the fixer); nil: one of its own.
	Sources *chartsource.Cache
	// Unlocated leaves findings' File, Line, Also and Fix empty: for a
	// caller that asks where each field comes from itself (the fixer,
	// through sourcemap with its sentinel renders), so that lint does not
	// map and suggest what that caller would throw away.
	Unlocated bool
}

// Linter runs the pipeline with one compiled engine.
type Linter struct {
	engine *rules.Pending
	// enabled is the engine narrowed to the rules the configuration
	// enables (see enabledRules), made once per run.
	enabledOnce sync.Once
	enabled     *rules.Engine
	enabledErr  error
	Opts        Options
	helm        *render.Helm
	// Time spent per phase, summed over charts (nanoseconds).
	renderNanos, evalNanos, mapNanos atomic.Int64
	// sources caches the chart files findings are mapped to, for the whole run.
	sources *chartsource.Cache
	// trees: the client URLs of each chart tree, read once per run, so
	// that port evidence is the whole tree's, as in fix.
	trees mesh.TreeURLs
}

// Timings reports the time spent rendering, evaluating and mapping findings
// to source lines, summed over all charts (so with parallel workers the sum
// exceeds wall time).
func (l *Linter) Timings() (renderT, evalT, mapT time.Duration) {
	return time.Duration(l.renderNanos.Load()), time.Duration(l.evalNanos.Load()), time.Duration(l.mapNanos.Load())
}

// New prepares a linter; the engine's prepared query is reused for every chart.
func New(e *rules.Engine, o Options) *Linter { return NewPending(rules.Ready(e), o) }

// NewPending prepares a linter around an engine still compiling: charts
// render meanwhile, and evaluation waits for it.
func NewPending(e *rules.Pending, o Options) *Linter {
	if o.Config == nil {
		o.Config = &config.Config{}
	}
	if o.Workers <= 0 {
		o.Workers = runtime.NumCPU()
	}
	if o.WorkDir == "" {
		o.WorkDir, _ = filepath.Abs(".")
	}
	mesh.ExtendWellKnown(o.Config.WellKnown) // the process's one configuration
	ro := o.Render
	cfg := o.Config
	ro.LintMode = !o.PlainRender
	ro.ExtraValues = func(chartDir string) []string { return cfg.ValuesFor(chartName(chartDir)) }
	if ro.HelmCompat == "" { // --helm-compat over the configuration's helmCompat
		ro.HelmCompat = cfg.HelmCompat
	}
	src := o.Sources
	if src == nil {
		src = chartsource.NewCache()
	}
	return &Linter{engine: e, Opts: o, helm: render.NewHelm(ro), sources: src}
}

// Renderer is the run's renderer: the gate resolves dependency graphs
// through it, so each chart is read once per run.
func (l *Linter) Renderer() *render.Helm { return l.helm }

func chartName(dir string) string { return filepath.Base(dir) }

// ChartResult is what one input produced.
type ChartResult struct {
	Target    render.Target
	Findings  []finding.Finding
	Resources int
	Err       *finding.ChartError
	// Rendered is kept for callers that need the stream (fn, fix); nil otherwise.
	Rendered *render.Result
}

// Run lints every input (chart folders, OOM roots, .tgz, YAML files, "-").
func (l *Linter) Run(ctx context.Context, inputs []string) (*finding.Report, error) {
	targets, err := render.Expand(inputs)
	if err != nil {
		return nil, err
	}
	return l.RunTargets(ctx, targets)
}

// RunTargets lints already expanded targets. Its errors are policies that
// do not compile and a configuration naming rules they do not have; a
// chart's own errors are in the report.
func (l *Linter) RunTargets(ctx context.Context, targets []render.Target) (*finding.Report, error) {
	if len(l.Opts.Config.RuleRefs()) > 0 {
		// A rule id the catalogue lacks fails the run before anything renders.
		eng, err := l.engine.Wait()
		if err != nil {
			return nil, err
		}
		if err := l.Opts.Config.CheckRules(ruleIDs(eng.Rules())); err != nil {
			return nil, err
		}
	}
	results := make([]ChartResult, len(targets))
	var done int
	var mu sync.Mutex
	workpool.RunLargestFirst(l.helm.Costs(targets), l.Opts.Workers, func(i int) {
		results[i] = l.LintTarget(ctx, targets[i])
		if l.Opts.Progress != nil {
			mu.Lock()
			done++
			fmt.Fprintf(l.Opts.Progress, "\r\033[K[%d/%d] %s", done, len(targets), targets[i].Name())
			mu.Unlock()
		}
	})
	if l.Opts.Progress != nil && len(targets) > 0 {
		fmt.Fprint(l.Opts.Progress, "\r\033[K")
	}
	eng, err := l.enabledRules(ctx)
	if err != nil {
		return nil, err
	}
	rep := &finding.Report{Rules: eng.Rules(), Families: eng.Families()}
	if v, err := mesh.ParseVersion(l.Opts.Settings.IstioVersion); err == nil {
		rep.IstioVersion = v.String()
	}
	for _, r := range results {
		if r.Err != nil {
			rep.Errors = append(rep.Errors, *r.Err)
			continue
		}
		rep.Summary.Charts++
		rep.Summary.Resources += r.Resources
		rep.Findings = append(rep.Findings, r.Findings...)
	}
	rep.Sort()
	rep.Count()
	return rep, nil
}

// LintTarget renders and evaluates one target.
func (l *Linter) LintTarget(ctx context.Context, t render.Target) ChartResult {
	cr := ChartResult{Target: t}
	if l.engine.Failed() {
		return cr // RunTargets reports the policies' error; rendering would be wasted
	}
	var rd render.Renderer = l.helm
	if t.Kind == render.KindManifests {
		rd = render.Manifests{Stdin: l.Opts.Stdin}
	}
	start := time.Now()
	done := memguard.Doing("rendering chart " + t.Name())
	res, err := rd.Render(ctx, t.Path)
	done()
	l.renderNanos.Add(int64(time.Since(start)))
	if err != nil {
		cr.Err = l.chartError(t, err)
		return cr
	}
	if t.Kind == render.KindManifests && len(res.Resources) == 0 {
		// An empty stream is a failed upstream step (helm template | meshready
		// lint - without pipefail), never a clean chart.
		cr.Err = &finding.ChartError{Chart: t.Name(), File: l.display(res.Chart), Message: "no resources in " + res.Chart}
		return cr
	}
	cr.Rendered = res
	cr.Resources = len(res.Resources)
	fs, err := l.Evaluate(ctx, t.Name(), res)
	if err != nil {
		cr.Err = &finding.ChartError{Chart: t.Name(), File: l.display(res.ChartDir), Message: err.Error()}
		return cr
	}
	cr.Findings = fs
	return cr
}

// ReleaseNamespace is the namespace Helm installs an object into that the
// chart renders without metadata.namespace: the settings' namespace (what
// the rules are told), else the render's (--namespace). Lint and the fixer
// read unnamespaced objects there, so that they agree on which Service a
// URL names.
func ReleaseNamespace(s rules.Settings, r render.Options) string {
	if s.Namespace != "" {
		return s.Namespace
	}
	return r.Namespace
}

// Evaluate runs the rules over a rendered result and locates the findings.
func (l *Linter) Evaluate(ctx context.Context, chart string, res *render.Result) ([]finding.Finding, error) {
	objs := make([]map[string]any, len(res.Resources))
	for i, r := range res.Resources {
		objs[i] = r.Object
	}
	s := l.Opts.Settings
	s.Namespace = ReleaseNamespace(s, l.Opts.Render)
	version, err := mesh.ParseVersion(s.IstioVersion)
	if err != nil {
		return nil, err
	}
	eng, err := l.enabledRules(ctx)
	if err != nil {
		return nil, err
	}
	var tree *mesh.URLIndex
	if res.ChartDir != "" {
		if tree, err = l.trees.For(charttree.TreeRoot(res.ChartDir)); err != nil {
			return nil, err
		}
	}
	// The evaluation's rules and the suggestions below read one set of
	// evidence sources (the lint input names no cluster domain).
	ev := portEvidence{src: mesh.NewRenderSources(objs, s.Namespace, nil, "", tree), namespace: s.Namespace, objects: objs}
	ctx = rules.WithSources(ctx, ev.src)
	start := time.Now()
	done := memguard.Doing("evaluating the policies on chart " + chart)
	hits, err := eng.Evaluate(ctx, objs, s)
	done()
	l.evalNanos.Add(int64(time.Since(start)))
	if err != nil {
		return nil, err
	}
	start = time.Now()
	defer func() { l.mapNanos.Add(int64(time.Since(start))) }()
	mapper := sourcemap.New(res.Graph, l.sources)
	red := newRedactor(res.Resources, l.setValues())
	cfg := l.Opts.Config
	if err := l.checkAnnotations(res.Resources, ruleIDs(eng.Rules()), mapper); err != nil {
		return nil, err
	}
	var out []finding.Finding
	for _, h := range hits {
		if h.Resource < 0 || h.Resource >= len(res.Resources) {
			return nil, fmt.Errorf("rule %s returned resource index %d, but the chart has %d resources", h.Rule.ID, h.Resource, len(res.Resources))
		}
		r := res.Resources[h.Resource]
		if ignoredByAnnotation(r, h.Rule.ID) {
			continue
		}
		var loc sourcemap.Location
		if !l.Opts.Unlocated {
			loc = mapper.Locate(r, h.Field, h.Value)
		}
		f := finding.Finding{
			Rule:          h.Rule.ID,
			Severity:      h.Severity,
			Message:       h.Message,
			Remediation:   h.Rule.Remediation,
			Resource:      r.Ref,
			Chart:         chart,
			File:          l.display(loc.File),
			Line:          loc.Line,
			Field:         h.Field,
			Value:         h.Value,
			Also:          l.also(loc),
			DocURL:        h.Rule.DocURL,
			Source:        r.Source,
			ResourceIndex: r.Index,
		}
		if !l.Opts.Unlocated {
			f.Fix = suggestFix(version, &ev, r, f, loc.File, l.sources.Lines)
		}
		red.finding(r, &f)
		if f.Resource.Namespace == "" && res.ChartDir != "" {
			f.Resource.Namespace = s.Namespace
		}
		if sev, ok := cfg.Rules.Severity[h.Rule.ID]; ok && h.Severity == h.Rule.Severity {
			f.Severity = sev
		}
		if cfg.Ignored(f) {
			continue
		}
		out = append(out, f)
	}
	return out, nil
}

// enabledRules waits for the engine and narrows it to the rules the
// configuration enables: the others are never evaluated, and the report
// does not list them as run.
func (l *Linter) enabledRules(ctx context.Context) (*rules.Engine, error) {
	l.enabledOnce.Do(func() {
		eng, err := l.engine.Wait()
		if err == nil {
			eng, err = eng.Select(ctx, l.Opts.Config.RuleEnabled)
		}
		l.enabled, l.enabledErr = eng, err
	})
	return l.enabled, l.enabledErr
}

// setValues are the run's --set and --set-string assignments.
func (l *Linter) setValues() []string {
	return append(append([]string{}, l.Opts.Render.Set...), l.Opts.Render.SetString...)
}

// ignoredByAnnotation honours meshready.io/ignore on the resource or its pod template.
func ignoredByAnnotation(r *resource.Resource, rule string) bool {
	for _, a := range ignoreAnnotations(r) {
		if slices.Contains(a.ids, rule) || slices.Contains(a.ids, "all") {
			return true
		}
	}
	return false
}

// ignoreAnnotation is one meshready.io/ignore value: its field path and ids.
type ignoreAnnotation struct {
	field string
	value string
	ids   []string
}

// ignoreAnnotations reads meshready.io/ignore on the resource and its pod template.
func ignoreAnnotations(r *resource.Resource) []ignoreAnnotation {
	paths := [][]string{{"metadata", "annotations"}}
	if pt := resource.PodTemplatePath(r.Kind); len(pt) > 0 {
		paths = append(paths, append(append([]string{}, pt...), "metadata", "annotations"))
	}
	var out []ignoreAnnotation
	for _, p := range paths {
		var cur any = r.Object
		for _, k := range p {
			m, _ := cur.(map[string]any)
			cur = m[k]
		}
		ann, _ := cur.(map[string]any)
		v, ok := ann[IgnoreAnnotation].(string)
		if !ok {
			continue
		}
		a := ignoreAnnotation{field: strings.Join(p, ".") + `["` + IgnoreAnnotation + `"]`, value: v}
		for _, id := range strings.Split(v, ",") {
			if id = strings.TrimSpace(id); id != "" {
				a.ids = append(a.ids, id)
			}
		}
		out = append(out, a)
	}
	return out
}

// checkAnnotations rejects a meshready.io/ignore naming a rule the
// catalogue lacks: a typo there would silence nothing and say nothing.
func (l *Linter) checkAnnotations(rs []*resource.Resource, known []string, mapper *sourcemap.Mapper) error {
	for _, r := range rs {
		for _, a := range ignoreAnnotations(r) {
			for _, id := range a.ids {
				if id == "all" || slices.Contains(known, id) {
					continue
				}
				loc := mapper.Locate(r, a.field, a.value)
				return fmt.Errorf("%s: %s %s: unknown rule %q%s",
					location(l.display(loc.File), loc.Line), r.Ref, IgnoreAnnotation, id, config.Suggest(id, known))
			}
		}
	}
	return nil
}

func location(file string, line int) string {
	if line > 0 {
		return fmt.Sprintf("%s:%d", file, line)
	}
	return file
}

func ruleIDs(rs []finding.Rule) []string {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	return ids
}

func (l *Linter) chartError(t render.Target, err error) (ce *finding.ChartError) {
	// a template's fail or an error quoting a value must not show a --set secret
	defer func() {
		ce.Message = newRedactor(nil, l.setValues()).text(ce.Message)
	}()
	ce = &finding.ChartError{Chart: t.Name(), File: l.display(t.Path), Message: err.Error()}
	var cte *charttree.ChartError
	if errors.As(err, &cte) {
		if cte.File != "" {
			ce.File = l.display(cte.File)
		} else {
			ce.File = l.display(cte.Chart)
		}
		ce.Message = charttree.Shorten(cte.Err.Error())
	}
	return ce
}

// also lists the parts of a composed value after the first, which is the
// finding's own File:Line.
func (l *Linter) also(loc sourcemap.Location) []finding.Place {
	if len(loc.Parts) < 2 {
		return nil
	}
	out := make([]finding.Place, 0, len(loc.Parts)-1)
	for _, p := range loc.Parts[1:] {
		out = append(out, finding.Place{File: l.display(p.File), Line: p.Line, Key: p.Key})
	}
	return out
}

// display makes a path relative to Options.WorkDir, the run's root (the
// repository root when the run has one): the one conversion a finding's
// path goes through. A path reached through a symlink is compared
// resolved, as a git top level is.
func (l *Linter) display(p string) string {
	if p == "" || p == "stdin" || p == "-" {
		return p
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	rel, err := filepath.Rel(l.Opts.WorkDir, abs)
	if err != nil {
		return abs
	}
	if rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		if real, err := filepath.EvalSymlinks(abs); err == nil {
			if r, err := filepath.Rel(l.Opts.WorkDir, real); err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator)) {
				rel = r
			}
		}
	}
	return filepath.ToSlash(rel)
}

// Validator lints resources that were not rendered by meshready (the KRM
// function's items): findings point at the resources' own files.
type Validator struct{ Linter *Linter }

// Validate evaluates the rules over rs.
func (v Validator) Validate(ctx context.Context, rs []*resource.Resource) ([]finding.Finding, error) {
	return v.Linter.Evaluate(ctx, "", &render.Result{Resources: rs})
}

// Sources is the run's source file cache: the files findings were mapped
// to, for the report to quote without reading them again.
func (l *Linter) Sources() *chartsource.Cache { return l.sources }
