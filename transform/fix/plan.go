package fix

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"

	"github.com/meshready/meshready/internal/finding"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/resource"
)

// item is one fix: a workload's injection or a Service port's name, with
// the edits that make it and what the self-check expects afterwards.
type item struct {
	// key names what is fixed (a workload, a Service port) across runs.
	key                             string
	chart, resource, field, message string
	edits                           []Edit
	// expect: per variant, per object, field path -> value after the fix.
	expect map[int]map[objKey]map[string]string
	// gone: per variant, the findings that must not fire any more.
	gone map[int][]goneRule
}

type goneRule struct {
	key   objKey
	rules []string
	// field limits the check to findings on fields under this path ("" = any).
	field string
}

func newItem(key, chart string, r *resource.Resource, field string) *item {
	return &item{key: key, chart: chart, resource: r.Kind + "/" + r.Name, field: field,
		expect: map[int]map[objKey]map[string]string{}, gone: map[int][]goneRule{}}
}

func (it *item) want(v int, k objKey, path, value string) {
	m := it.expect[v]
	if m == nil {
		m = map[objKey]map[string]string{}
		it.expect[v] = m
	}
	if m[k] == nil {
		m[k] = map[string]string{}
	}
	m[k][path] = value
}

func (it *item) change() Change {
	return Change{Chart: it.chart, Resource: it.resource, Field: it.field, Message: it.message}
}

func (it *item) refuse(why string) Change {
	return Change{Chart: it.chart, Resource: it.resource, Field: it.field, Message: "not fixed: " + why}
}

// chartPlan is what one top-level chart needs.
type chartPlan struct {
	target   render.Target
	dir      string
	name     string
	variants []variant
	before   []*render.Result
	findings [][]finding.Finding
	items    []*item
	refusals []Change
	// refused are the keys of the refused items.
	refused map[string]bool
	notes   []string
}

func (p *chartPlan) refuse(key string, r *resource.Resource, field, why string) {
	if p.refused == nil {
		p.refused = map[string]bool{}
	}
	p.refused[key] = true
	p.refusals = append(p.refusals, Change{Chart: p.name, Resource: r.Kind + "/" + r.Name, Field: field, Message: "not fixed: " + why})
}

// planInput lets a second run reuse the self-check's renders and leave
// alone what the first run refused.
type planInput struct {
	reuse map[string]*render.Result // by variant name
	skip  map[string]bool           // item keys
}

// plan renders a chart under each variant, lints it and plans the fixes.
func (s *session) plan(ctx context.Context, t render.Target, in planInput) (*chartPlan, error) {
	dir, err := filepath.Abs(t.Path)
	if err != nil {
		return nil, err
	}
	p := &chartPlan{target: t, dir: dir, name: t.Name()}
	renderVariant := func(v variant) (*render.Result, error) {
		if r := in.reuse[v.name]; r != nil {
			return r, nil
		}
		return s.render(ctx, dir, v)
	}
	base, err := renderVariant(variant{name: baseVariant})
	if err != nil {
		return nil, err
	}
	ch, g, err := s.load(dir, nil)
	if err != nil {
		return nil, err
	}
	vs := s.variants(dir, ch, g, base.Values)
	p.variants = vs[:1]
	p.before = []*render.Result{base}
	for _, v := range vs[1:] {
		res, err := renderVariant(v)
		if err != nil {
			msg := err.Error()
			if len(msg) > 300 {
				msg = msg[:300] + "..."
			}
			p.notes = append(p.notes, fmt.Sprintf("variant %s does not render, so it is not checked: %s", v.name, msg))
			continue
		}
		p.variants = append(p.variants, v)
		p.before = append(p.before, res)
	}
	for _, res := range p.before {
		fs, err := s.findings(ctx, p.name, res)
		if err != nil {
			return nil, err
		}
		p.findings = append(p.findings, fs)
	}
	if s.opts.wants(OpInjection) {
		s.planInjection(p, in.skip)
	}
	if s.opts.wants(OpPorts) {
		if err := s.planPorts(ctx, p, in.skip); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func sortedKeys[V any](m map[objKey]V) []objKey {
	out := make([]objKey, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].less(out[j]) })
	return out
}
