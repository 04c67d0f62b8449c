// Package fix makes OOM Helm charts mesh-ready at the source, as the ONAP
// engineers did by hand in July 2018 (MSB-226, MULTICLOUD-290): it adds the
// Istio sidecar injection switch to each workload's pod template (or to the
// podAnnotations value common.templateMetadata renders) with an
// istioSidecar value, and names Service ports for their protocol where the
// name is written: a template literal, a values.yaml value, or the
// expression in the template. It finds what to fix with the lint rules,
// where a rendered field comes from by asking the provenance engine
// (internal/sourcemap) with a render carrying sentinel markers plugged in,
// and checks itself by rendering again before anything is written.
package fix

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/meshready/meshready/internal/charttree"
	"github.com/meshready/meshready/internal/config"
	"github.com/meshready/meshready/internal/finding"
	"github.com/meshready/meshready/internal/lint"
	"github.com/meshready/meshready/internal/mesh"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/rules"

	"github.com/meshready/meshready/internal/chartsource"
)

// Operations.
const (
	OpInjection = "injection"
	OpPorts     = "ports"
)

// Injection styles.
const (
	StyleAnnotation = "annotation"
	StyleLabel      = "label"
)

// Rule ids the fixer acts on.
const (
	ruleInjection = "sidecar-injection"
	rulePortName  = "port-protocol-name"
	ruleMismatch  = "port-protocol-mismatch"
	ruleEvidence  = "port-protocol-evidence"
)

// Options configure a run.
type Options struct {
	Render   render.Options
	Config   *config.Config
	Settings rules.Settings
	// Engine evaluates the rules (nil: the built-in policies).
	Engine *rules.Engine
	// Only limits the operations (OpInjection, OpPorts); empty means both.
	Only []string
	// InjectStyle is StyleAnnotation (default) or StyleLabel.
	InjectStyle string
	// Protocols is the user's port table: port number or name -> protocol.
	Protocols map[string]string
	// WorkDir is what messages' paths are relative to (default: the current directory).
	WorkDir string
	// DiffRoot is what diff paths are relative to, the folder `git apply`
	// runs in (default: WorkDir); the command passes the git top level.
	DiffRoot string
}

// Change is something the run does, or refuses to do (Message says why
// and what to do by hand).
type Change struct {
	Chart    string
	Resource string
	Field    string
	Message  string
}

func (c Change) String() string {
	s := c.Chart
	if c.Resource != "" {
		s += ": " + c.Resource
	}
	if c.Field != "" {
		s += " " + c.Field
	}
	return s + ": " + c.Message
}

// Result is what a run found and would write.
type Result struct {
	// Files are the edited files, sorted by path.
	Files []FileChange
	// Diff is a unified diff of Files, relative to WorkDir (git apply-able).
	Diff     string
	Changes  []Change
	Refusals []Change
	// Errors are charts that could not be planned (render errors): they are
	// left alone.
	Errors []string
	// Notes say what was not checked (a variant that does not render).
	Notes []string
	// Check says why the self-check failed: nothing may be written.
	Check error
	// Fixed is the number of findings (under the default values) that the
	// self-check's lint of the edited charts no longer reports.
	Fixed int
	// JournalDir is where Write keeps its journal: the root of the first
	// chart's tree, where the next run looks for it (journal.go).
	JournalDir string
}

// Write applies the result all-or-nothing. It refuses when the self-check failed.
func (r *Result) Write() error {
	if r.Check != nil {
		return fmt.Errorf("self-check failed, nothing written: %w", r.Check)
	}
	return WriteAll(r.JournalDir, r.Files)
}

func (o *Options) wants(op string) bool {
	if len(o.Only) == 0 {
		return true
	}
	return contains(o.Only, op)
}

func (o *Options) validate() error {
	for _, op := range o.Only {
		if op != OpInjection && op != OpPorts {
			return fmt.Errorf("--only: %q is not %s or %s", op, OpInjection, OpPorts)
		}
	}
	switch o.InjectStyle {
	case "":
		o.InjectStyle = StyleAnnotation
	case StyleAnnotation, StyleLabel:
	default:
		return fmt.Errorf("--inject-style: %q is not %s or %s", o.InjectStyle, StyleAnnotation, StyleLabel)
	}
	for k, v := range o.Protocols {
		if _, ok := mesh.ParseMesh(v); !ok {
			return fmt.Errorf("port protocol %s=%s: %q is not one of http, http2, https, grpc, grpc-web, tcp, tls, mongo, mysql, redis", k, v, v)
		}
	}
	if o.Config == nil {
		o.Config = &config.Config{}
	}
	if o.WorkDir == "" {
		o.WorkDir, _ = filepath.Abs(".")
	}
	return nil
}

// Run plans the fixes for the inputs (chart folders or OOM kubernetes/
// roots), applies them in memory, checks the result and returns the diff.
// Nothing is written: call Result.Write.
func Run(ctx context.Context, inputs []string, o Options) (*Result, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	if len(inputs) == 0 {
		return nil, errors.New("no chart given")
	}
	var roots []string
	for _, in := range inputs {
		k := render.Classify(in)
		if k != render.KindChart && k != render.KindTree {
			return nil, fmt.Errorf("%s: fix edits chart sources: give a chart folder or an OOM kubernetes/ root", in)
		}
		abs, err := filepath.Abs(in)
		if err != nil {
			return nil, err
		}
		roots = append(roots, abs)
		// an earlier --write on this tree killed part way is rolled back first
		if err := Recover(charttree.TreeRoot(abs)); err != nil {
			return nil, err
		}
	}
	targets, err := render.Expand(inputs)
	if err != nil {
		return nil, err
	}
	if o.Engine == nil {
		if o.Engine, err = rules.NewDefault(ctx); err != nil {
			return nil, err
		}
	}
	s := newSession(o, roots)
	res := &Result{JournalDir: charttree.TreeRoot(roots[0])}

	var plans []*chartPlan
	var accepted []Edit
	for _, t := range targets {
		if e := o.Config.Excluded(t.Name()); e != nil { // as lint: exclude: leaves charts out of every run
			res.Notes = append(res.Notes, fmt.Sprintf("%s: excluded by %s (exclude: %s): %s", t.Name(), o.Config.Path, e.Chart, cmp.Or(e.Reason, "no reason given")))
			continue
		}
		p, err := s.plan(ctx, t, planInput{})
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			res.Errors = append(res.Errors, fmt.Sprintf("%s: %v", t.Name(), err))
			continue
		}
		res.Refusals = append(res.Refusals, p.refusals...)
		for _, n := range p.notes {
			res.Notes = append(res.Notes, p.name+": "+n)
		}
		var kept []*item
		for _, it := range p.items {
			if e, ok := conflict(it.edits, accepted); ok {
				if p.refused == nil {
					p.refused = map[string]bool{}
				}
				p.refused[it.key] = true
				res.Refusals = append(res.Refusals, it.refuse(fmt.Sprintf("its edit of %s collides with another fix in this run; run fix again once the others are written", s.display(e.File))))
				continue
			}
			accepted = append(accepted, it.edits...)
			kept = append(kept, it)
			res.Changes = append(res.Changes, it.change())
		}
		p.items = kept
		plans = append(plans, p)
	}
	if err := s.fs.apply(accepted); err != nil {
		res.Check = err
		return res, nil
	}
	res.Check = s.selfCheck(ctx, plans)
	res.Fixed = s.fixed
	for _, p := range s.fs.changed() {
		old, _ := s.fs.original(p)
		cur, _ := s.fs.read(p)
		res.Files = append(res.Files, FileChange{Path: p, Old: old, New: cur})
		res.Diff += unifiedDiff(s.diffName(p), old, cur)
	}
	sortChanges(res.Changes)
	sortChanges(res.Refusals)
	return res, nil
}

func conflict(edits, accepted []Edit) (Edit, bool) {
	for _, e := range edits {
		if conflicts(e, accepted) {
			return e, true
		}
	}
	return Edit{}, false
}

func sortChanges(cs []Change) {
	sort.SliceStable(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if a.Chart != b.Chart {
			return a.Chart < b.Chart
		}
		if a.Resource != b.Resource {
			return a.Resource < b.Resource
		}
		return a.Field < b.Field
	})
}

func newSession(o Options, roots []string) *session {
	ro := o.Render
	cfg := o.Config
	ro.ExtraValues = func(chartDir string) []string { return cfg.ValuesFor(filepath.Base(chartDir)) }
	if ro.HelmCompat == "" { // --helm-compat over the configuration's helmCompat
		ro.HelmCompat = cfg.HelmCompat
	}
	// one source cache for the run: the fixer plans edits and the
	// provenance engine reads templates on the same reading of each file.
	// The fixer reads only the findings' rules, resources, fields, values
	// and messages; where each field comes from it asks sourcemap with its
	// sentinel renders (sentinel.go), so lint leaves findings unlocated.
	src := chartsource.NewCache()
	lo := lint.Options{Render: o.Render, Config: o.Config, Settings: o.Settings, WorkDir: o.WorkDir, Sources: src, Unlocated: true}
	return &session{
		opts:   o,
		helm:   render.NewHelm(ro),
		linter: lint.New(o.Engine, lo),
		fs:     newFiles(src),
		roots:  roots,
		styles: map[string]*treeStyle{},
	}
}

// diffName makes a path relative to DiffRoot for the diff's a/ and b/ names.
func (s *session) diffName(p string) string {
	root := s.opts.DiffRoot
	if root == "" {
		root = s.opts.WorkDir
	}
	rel, err := filepath.Rel(root, p)
	if err == nil && strings.HasPrefix(rel, "..") {
		// the root may be the symlink-free git top level
		if real, rerr := filepath.EvalSymlinks(filepath.Dir(p)); rerr == nil {
			if r2, err2 := filepath.Rel(root, filepath.Join(real, filepath.Base(p))); err2 == nil {
				rel = r2
			}
		}
	}
	if err != nil {
		return filepath.ToSlash(p)
	}
	return filepath.ToSlash(rel)
}

// fixedCount is how many findings of before are not in after, matched as
// multisets of rule, resource and field.
func fixedCount(before, after []finding.Finding) int {
	left := map[string]int{}
	key := func(f finding.Finding) string { return f.Rule + "\x00" + f.Resource.String() + "\x00" + f.Field }
	for _, f := range after {
		left[key(f)]++
	}
	n := 0
	for _, f := range before {
		if k := key(f); left[k] > 0 {
			left[k]--
		} else {
			n++
		}
	}
	return n
}

// display makes a path relative to the work folder (slash-separated).
func (s *session) display(p string) string {
	rel, err := filepath.Rel(s.opts.WorkDir, p)
	if err != nil {
		return filepath.ToSlash(p)
	}
	return filepath.ToSlash(rel)
}
