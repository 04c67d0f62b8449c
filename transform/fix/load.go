package fix

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
	"sigs.k8s.io/yaml"

	"github.com/meshready/meshready/internal/charttree"
	"github.com/meshready/meshready/internal/finding"
	"github.com/meshready/meshready/internal/lint"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/resource"
)

// session holds what one run shares: the renderer, the compiled rules and
// the file overlay every render reads through.
type session struct {
	opts   Options
	helm   *render.Helm
	linter *lint.Linter
	fs     *files
	// roots bound where edits may land (the inputs).
	roots []string
	// styles caches per-tree style facts.
	styles map[string]*treeStyle
	// evc caches the port evidence's sources (evidence.go).
	evc evidenceCache
	// fixed counts the findings the self-check saw go away (default values).
	fixed int
}

// visit is called for each chart of an assembled tree with the chain of
// graph nodes from the top chart to it.
type visit func(c *chart.Chart, chain []*charttree.Node) error

// walkChart walks an assembled chart and its graph together. Helm's
// loader and the assembler list dependencies in the same order; names
// settle any doubt.
func walkChart(c *chart.Chart, n *charttree.Node, chain []*charttree.Node, fn visit) error {
	chain = append(append([]*charttree.Node{}, chain...), n)
	if err := fn(c, chain); err != nil {
		return err
	}
	deps := c.Dependencies()
	used := make([]bool, len(n.Deps))
	for i, d := range deps {
		var dn *charttree.Node
		if i < len(n.Deps) && !used[i] && n.Deps[i].Name == d.Name() {
			dn, used[i] = n.Deps[i], true
		} else {
			for j, x := range n.Deps {
				if !used[j] && x.Name == d.Name() {
					dn, used[j] = x, true
					break
				}
			}
		}
		if dn == nil {
			continue
		}
		if err := walkChart(d, dn, chain, fn); err != nil {
			return err
		}
	}
	return nil
}

// load assembles the chart at dir afresh (Helm's dependency processing
// changes a chart, so each render needs its own), lays the overlay over
// its templates and values, then lets mutate change it further (sentinels),
// and rewrites render's idioms (render.RewriteIdioms).
func (s *session) load(dir string, mutate visit) (*chart.Chart, *charttree.Node, error) {
	ch, g, _, err := s.helm.Load(dir)
	if err != nil {
		return nil, nil, err
	}
	err = walkChart(ch, g, nil, func(c *chart.Chart, chain []*charttree.Node) error {
		dropNotes(c)
		n := chain[len(chain)-1]
		if n.Dir == "" {
			return nil
		}
		if err := s.overlayChart(c, n.Dir); err != nil {
			return err
		}
		if mutate != nil {
			return mutate(c, chain)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	// after the sentinels, which mark the text the files hold: the idioms
	// change no rendered byte, only the cost (half of a fix run's CPU on
	// OOM trees went to common.subChartDot's deep copy)
	render.RewriteIdioms(ch)
	return ch, g, nil
}

// dropNotes removes NOTES.txt: it is not part of the manifest, and a
// broken one (common in old OOM charts on their non-default branch) would
// stop the fixer from rendering that branch at all.
func dropNotes(c *chart.Chart) {
	for i, t := range c.Templates {
		if t.Name == "templates/NOTES.txt" {
			c.Templates = append(append([]*chart.File(nil), c.Templates[:i]...), c.Templates[i+1:]...)
			return
		}
	}
}

func (s *session) overlayChart(c *chart.Chart, dir string) error {
	copied := false
	for i, t := range c.Templates {
		b, ok := s.fs.overlaid(filepath.Join(dir, filepath.FromSlash(t.Name)))
		if !ok {
			continue
		}
		if !copied {
			// the slice is shared with the assembler's cached chart
			c.Templates = append([]*chart.File(nil), c.Templates...)
			copied = true
		}
		c.Templates[i] = &chart.File{Name: t.Name, Data: b}
	}
	if b, ok := s.fs.overlaid(filepath.Join(dir, "values.yaml")); ok {
		v := map[string]any{}
		if err := yaml.Unmarshal(b, &v); err != nil {
			return fmt.Errorf("%s: edited values.yaml does not parse: %w", filepath.Join(dir, "values.yaml"), err)
		}
		c.Values = v
	}
	return nil
}

// renderOnce renders an already loaded chart with the user's values and a
// variant's overrides.
func (s *session) renderOnce(ctx context.Context, dir string, ch *chart.Chart, g *charttree.Node, v variant) (*render.Result, error) {
	vals, err := s.helm.Values(dir)
	if err != nil {
		return nil, err
	}
	vals = chartutil.MergeTables(charttree.CopyValues(v.values), vals)
	manifest, err := s.helm.RenderChartWithin(ctx, ch, vals) // under --timeout
	if err != nil {
		return nil, err
	}
	rs, err := resource.Parse(dir, []byte(manifest))
	if err != nil {
		return nil, fmt.Errorf("rendered output does not parse: %w", err)
	}
	return &render.Result{Chart: dir, ChartDir: dir, Manifest: manifest, Resources: rs, Graph: g, Values: vals}, nil
}

// render loads and renders the chart at dir under a variant.
func (s *session) render(ctx context.Context, dir string, v variant) (*render.Result, error) {
	ch, g, err := s.load(dir, nil)
	if err != nil {
		return nil, err
	}
	return s.renderOnce(ctx, dir, ch, g, v)
}

// findings runs the lint rules over a render.
func (s *session) findings(ctx context.Context, name string, res *render.Result) ([]finding.Finding, error) {
	return s.linter.Evaluate(ctx, name, res)
}

// objKey names a rendered object across renders of the same chart: its
// identity (resource.ID, sentinel markers stripped), the template that
// rendered it, and an ordinal for repeats (0 for the first).
type objKey struct {
	resource.ID
	Source string
	N      int
}

// String is the key as the refusal bookkeeping stores it.
func (k objKey) String() string {
	s := k.Source + "|" + k.Kind + "|" + k.Namespace + "|" + k.Name
	if k.N > 0 {
		s += fmt.Sprintf("#%d", k.N)
	}
	return s
}

// less orders keys by their string form, then group.
func (k objKey) less(o objKey) bool {
	a, b := k.String(), o.String()
	return a < b || a == b && k.Group < o.Group
}

var markerRE = regexp.MustCompile(`zt\d+tz|zz\d+zz`)

// stripMarkers removes sentinel markers from a string.
func stripMarkers(s string) string { return markerRE.ReplaceAllString(s, "") }

func keyOf(r *resource.Resource) objKey {
	id := r.ID()
	id.Group, id.Namespace, id.Name = stripMarkers(id.Group), stripMarkers(id.Namespace), stripMarkers(id.Name)
	return objKey{ID: id, Source: r.Source}
}

// index maps object keys to resources; repeated keys get an ordinal.
func index(rs []*resource.Resource) map[objKey]*resource.Resource {
	out := make(map[objKey]*resource.Resource, len(rs))
	for _, r := range rs {
		k := keyOf(r)
		for n := 2; out[k] != nil; n++ {
			k.N = n
		}
		out[k] = r
	}
	return out
}

// baseVariant names the render with the values as given.
const baseVariant = "values as given"

// variant is one set of value overrides the chart is rendered with: the
// user's values (no overrides), or the other side of `eq .Values.x "lit"`
// conditionals in the chart's templates.
type variant struct {
	name   string
	values map[string]any
}

var condRE = []*regexp.Regexp{
	regexp.MustCompile(`\b(?:eq|ne)\s+\(?\$?\.Values\.([A-Za-z0-9_][A-Za-z0-9_.]*)\)?\s+"([^"]*)"`),
	regexp.MustCompile(`\b(?:eq|ne)\s+"([^"]*)"\s+\(?\$?\.Values\.([A-Za-z0-9_][A-Za-z0-9_.]*)\)?`),
}

// alternates are the other side of well-known string switches.
var alternates = map[string]string{"NodePort": "ClusterIP", "ClusterIP": "NodePort", "LoadBalancer": "ClusterIP"}

// maxVariants bounds the extra renders per chart.
const maxVariants = 3

// variants finds `eq .Values.x "lit"` switches in the templates of the
// charts in scope and builds the overrides that render each side.
func (s *session) variants(dir string, ch *chart.Chart, g *charttree.Node, vals map[string]any) []variant {
	type sw struct {
		path  []string
		cands []string
	}
	byPath := map[string]*sw{}
	var order []string
	charts := map[*charttree.Node]*chart.Chart{}
	_ = walkChart(ch, g, nil, func(c *chart.Chart, chain []*charttree.Node) error {
		charts[chain[len(chain)-1]] = c
		return nil
	})
	_ = walkChart(ch, g, nil, func(c *chart.Chart, chain []*charttree.Node) error {
		n := chain[len(chain)-1]
		if n.Dir == "" || !within(n.Dir, s.roots) {
			return nil
		}
		for _, t := range c.Templates {
			text := string(t.Data)
			for i, re := range condRE {
				for _, m := range re.FindAllStringSubmatch(text, -1) {
					p, lit := m[1], m[2]
					if i == 1 {
						p, lit = m[2], m[1]
					}
					rel := strings.Split(p, ".")
					full := topPath(chain, rel)
					key := strings.Join(full, ".")
					x := byPath[key]
					if x == nil {
						x = &sw{path: full}
						if cur, ok := currentValue(chain, charts, vals, full, rel); ok {
							x.cands = []string{cur}
						}
						byPath[key] = x
						order = append(order, key)
					}
					if !contains(x.cands, lit) {
						x.cands = append(x.cands, lit)
					}
				}
			}
		}
		return nil
	})
	sort.Strings(order)
	n := 1
	var sws []*sw
	for _, k := range order {
		x := byPath[k]
		if len(x.cands) == 1 {
			if alt, ok := alternates[x.cands[0]]; ok {
				x.cands = append(x.cands, alt)
			}
		}
		if len(x.cands) < 2 {
			continue
		}
		sws = append(sws, x)
		n = max(n, len(x.cands))
	}
	out := []variant{{name: baseVariant}}
	for k := 1; k < min(n, maxVariants+1); k++ {
		v := variant{values: map[string]any{}}
		var desc []string
		for _, x := range sws {
			val := x.cands[k%len(x.cands)]
			setPath(v.values, x.path, val)
			desc = append(desc, strings.Join(x.path, ".")+"="+val)
		}
		if len(desc) > 4 {
			desc = append(desc[:4], fmt.Sprintf("and %d more", len(desc)-4))
		}
		v.name = strings.Join(desc, ", ")
		out = append(out, v)
	}
	return out
}

// topPath turns a .Values path of the last chart of chain into the path in
// the top chart's values (subchart sections by alias; global stays global).
func topPath(chain []*charttree.Node, p []string) []string {
	if len(p) > 0 && p[0] == "global" {
		return p
	}
	var out []string
	for _, n := range chain[1:] {
		out = append(out, helmName(n))
	}
	return append(out, p...)
}

// helmName is the key a parent uses for a subchart's values.
func helmName(n *charttree.Node) string {
	if len(n.Aliases) > 0 {
		return n.Aliases[0]
	}
	return n.Name
}

// currentValue is the value a path has for the render: the user's values,
// then each chart's values from the top down (parents override).
func currentValue(chain []*charttree.Node, charts map[*charttree.Node]*chart.Chart, user map[string]any, full, rel []string) (string, bool) {
	if v, ok := lookupPath(user, full); ok {
		return fmt.Sprint(v), true
	}
	if len(rel) > 0 && rel[0] == "global" {
		for _, n := range chain {
			if v, ok := lookupPath(charts[n].Values, rel); ok {
				return fmt.Sprint(v), true
			}
		}
		return "", false
	}
	for i, n := range chain {
		var p []string
		for _, c := range chain[i+1:] {
			p = append(p, helmName(c))
		}
		if v, ok := lookupPath(charts[n].Values, append(p, rel...)); ok {
			return fmt.Sprint(v), true
		}
	}
	return "", false
}

func lookupPath(m map[string]any, p []string) (any, bool) {
	var cur any = m
	for _, k := range p {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = mm[k]; !ok {
			return nil, false
		}
	}
	return cur, true
}

func setPath(m map[string]any, p []string, v any) {
	for i, k := range p {
		if i == len(p)-1 {
			m[k] = v
			return
		}
		next, ok := m[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}
