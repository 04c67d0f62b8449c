package fix

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"github.com/google/go-cmp/cmp"

	"github.com/meshready/meshready/internal/charttree"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/resource"
)

// selfCheck renders every planned chart again, under each variant, with
// the edits in the overlay, and checks that it still renders; that only the
// intended fields changed, to the intended values (go-cmp over the rendered
// objects with those fields taken out); that the fixed rules no longer fire
// on the fixed resources; and that a second run would change nothing.
func (s *session) selfCheck(ctx context.Context, plans []*chartPlan) error {
	changed := s.fs.changed()
	var problems []string
	for _, p := range plans {
		if len(p.items) == 0 && !touches(p.before[0].Graph, changed) {
			continue
		}
		reuse := map[string]*render.Result{}
		for vi, v := range p.variants {
			if err := ctx.Err(); err != nil {
				return err
			}
			after, err := s.render(ctx, p.dir, v)
			reuse[v.name] = after
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s (%s): the edited chart no longer renders: %v", p.name, v.name, err))
				continue
			}
			expect := map[objKey]map[string]string{}
			for _, it := range p.items {
				for k, fs := range it.expect[vi] {
					if expect[k] == nil {
						expect[k] = map[string]string{}
					}
					for f, val := range fs {
						expect[k][f] = val
					}
				}
			}
			diffs := compare(p.before[vi], after, expect, nil)
			if len(diffs) > 0 {
				// fields that differ between two renders of the unedited
				// chart (random passwords, timestamps) are not the fix's doing
				if again, err := s.renderOriginal(ctx, p.dir, v); err == nil {
					diffs = compare(p.before[vi], after, expect, noise(p.before[vi], again))
				}
			}
			for _, d := range diffs {
				problems = append(problems, fmt.Sprintf("%s (%s): %s", p.name, v.name, d))
			}
			fs, err := s.findings(ctx, p.name, after)
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s: %v", p.name, err))
				continue
			}
			if vi == 0 {
				s.fixed += fixedCount(p.findings[0], fs)
			}
			for _, it := range p.items {
				for _, g := range it.gone[vi] {
					for _, f := range fs {
						if f.ResourceIndex >= len(after.Resources) || keyOf(after.Resources[f.ResourceIndex]) != g.key || !strings.HasPrefix(f.Field, g.field) || !contains(g.rules, f.Rule) {
							continue
						}
						problems = append(problems, fmt.Sprintf("%s (%s): %s still fires on %s %s: %s", p.name, v.name, f.Rule, it.resource, f.Field, f.Message))
					}
				}
			}
		}
		again, err := s.plan(ctx, p.target, planInput{reuse: reuse, skip: p.refused})
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: a second run fails: %v", p.name, err))
			continue
		}
		for _, it := range again.items {
			problems = append(problems, fmt.Sprintf("%s: a second run would change %s %s again: %s", p.name, it.resource, it.field, it.message))
		}
	}
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("%s", strings.Join(problems, "\n"))
}

// touches tells whether a chart reads any of the files.
func touches(g *charttree.Node, files []string) bool {
	if g == nil {
		return false
	}
	dirs := g.Dirs()
	for _, f := range files {
		if within(f, dirs) {
			return true
		}
	}
	return false
}

// renderOriginal renders without the overlay.
func (s *session) renderOriginal(ctx context.Context, dir string, v variant) (*render.Result, error) {
	saved := s.fs.overlay
	s.fs.mu.Lock()
	s.fs.overlay = map[string][]byte{}
	s.fs.mu.Unlock()
	defer func() {
		s.fs.mu.Lock()
		s.fs.overlay = saved
		s.fs.mu.Unlock()
	}()
	return s.render(ctx, dir, v)
}

// maxDiffText bounds one object's diff in a message.
const maxDiffText = 2000

// compare checks after against before: the same objects; each expected
// field holds its value; nothing else differs (ignore aside).
func compare(before, after *render.Result, expect map[objKey]map[string]string, ignore map[objKey][]string) []string {
	bi, ai := index(before.Resources), index(after.Resources)
	var out []string
	for _, k := range sortedKeys(bi) {
		if ai[k] == nil {
			out = append(out, fmt.Sprintf("%s is no longer rendered", describe(k)))
		}
	}
	for _, k := range sortedKeys(ai) {
		b := bi[k]
		if b == nil {
			out = append(out, fmt.Sprintf("%s is rendered but was not before", describe(k)))
			continue
		}
		bo := charttree.CopyValues(b.Object)
		ao := charttree.CopyValues(ai[k].Object)
		for path, want := range expect[k] {
			got, ok := resource.Lookup(ao, path)
			if !ok || fmt.Sprint(got) != want {
				out = append(out, fmt.Sprintf("%s %s is %v after the fix, not %q", describe(k), path, got, want))
			}
			deletePath(bo, path)
			deletePath(ao, path)
			pruneLike(ao, bo, path)
		}
		for _, path := range ignore[k] {
			deletePath(bo, path)
			deletePath(ao, path)
		}
		if d := cmp.Diff(bo, ao); d != "" {
			if len(d) > maxDiffText {
				d = d[:maxDiffText] + "\n..."
			}
			out = append(out, fmt.Sprintf("%s changed beyond the fix (-before +after):\n%s", describe(k), d))
		}
	}
	return out
}

func describe(k objKey) string { return fmt.Sprintf("%s/%s (%s)", k.Kind, k.Name, k.Source) }

// deletePath removes the map entry at path, if present.
func deletePath(obj map[string]any, path string) {
	segs, err := resource.ParsePath(path)
	if err != nil || len(segs) == 0 {
		return
	}
	parent, ok := resource.Lookup(obj, resource.FormatPath(segs[:len(segs)-1]))
	if len(segs) == 1 {
		parent, ok = obj, true
	}
	if m, isMap := parent.(map[string]any); ok && isMap && segs[len(segs)-1].Index < 0 {
		delete(m, segs[len(segs)-1].Key)
	}
}

// pruneLike drops the parent of a deleted field from after when it is now
// empty and before never had it (the fix created `annotations:`).
func pruneLike(after, before map[string]any, path string) {
	segs, err := resource.ParsePath(path)
	if err != nil || len(segs) < 2 {
		return
	}
	pp := resource.FormatPath(segs[:len(segs)-1])
	v, ok := resource.Lookup(after, pp)
	if m, isMap := v.(map[string]any); !ok || !isMap || len(m) > 0 {
		return
	}
	if _, had := resource.Lookup(before, pp); had {
		return
	}
	deletePath(after, pp)
}

// noise lists the fields that differ between two renders of the same chart.
func noise(a, b *render.Result) map[objKey][]string {
	ai, bi := index(a.Resources), index(b.Resources)
	out := map[objKey][]string{}
	for k, x := range ai {
		if y := bi[k]; y != nil {
			diffPaths(x.Object, y.Object, nil, func(p string) { out[k] = append(out[k], p) })
		}
	}
	return out
}

func diffPaths(a, b any, segs []resource.Segment, add func(string)) {
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if aok && bok {
		for k, v := range am {
			diffPaths(v, bm[k], append(segs[:len(segs):len(segs)], resource.Segment{Key: k, Index: -1}), add)
		}
		for k, v := range bm {
			if _, ok := am[k]; !ok {
				diffPaths(nil, v, append(segs[:len(segs):len(segs)], resource.Segment{Key: k, Index: -1}), add)
			}
		}
		return
	}
	al, aok := a.([]any)
	bl, bok := b.([]any)
	if aok && bok && len(al) == len(bl) {
		for i := range al {
			diffPaths(al[i], bl[i], append(segs[:len(segs):len(segs)], resource.Segment{Index: i}), add)
		}
		return
	}
	if !reflect.DeepEqual(a, b) && len(segs) > 0 {
		add(resource.FormatPath(segs))
	}
}
