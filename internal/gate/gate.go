// Package gate is the pre-merge gate's selection: given the files a change
// touches, it picks the charts whose render the change can affect, using
// the dependency graph the renderer resolves (a change to common/common
// affects every chart that uses it). Resolving a graph loads a chart but
// renders nothing, so selecting is cheap next to linting.
package gate

import (
	"context"
	"fmt"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/meshready/meshready/internal/charttree"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/textsafe"
)

// Shared is a file or folder outside the charts that every chart's lint
// reads: a values file, the umbrella's values, the configuration, a policy
// folder. A change to one selects every chart.
type Shared struct {
	Path  string // absolute
	Label string // how the reason names it, e.g. "--values prod.yaml"
}

// Selector decides which targets a change affects.
type Selector struct {
	// Graph resolves a chart's dependency graph (render.Helm.Load).
	Graph func(chartDir string) (*charttree.Node, error)
	// Fallback builds a graph from declarations when Graph fails (Declared);
	// nil: a chart whose graph fails is selected only for its own files.
	Fallback func(chartDir string) (*charttree.Node, []string, error)
	// Extra lists the files merged into one chart's values besides its own
	// (per-chart values of the configuration); may be nil.
	Extra func(chartDir string) []string
	// Shared inputs of every chart.
	Shared []Shared
	// Workers resolve graphs in parallel (default: the number of CPUs).
	Workers int
}

// Decision is the verdict on one target.
type Decision struct {
	Target   render.Target
	Selected bool
	// Reason says why it was selected, e.g.
	// "so/components/so-bpmn-infra/values.yaml changed" or
	// "depends on common/common (common/common/templates/_service.tpl changed)".
	Reason string
	// Warning is set when the graph could not be resolved fully (the
	// selection may then be narrower than the render's real inputs).
	Warning string
}

// Select decides for every target, in the targets' order.
func (s *Selector) Select(ctx context.Context, targets []render.Target, c *Change) []Decision {
	root := resolve(c.Root)
	out := make([]Decision, len(targets))
	jobs := make(chan int)
	var wg sync.WaitGroup
	workers := s.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	for w := 0; w < min(workers, max(1, len(targets))); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				out[i] = s.decide(ctx, targets[i], root, c.Files)
			}
		}()
	}
	for i := range targets {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return out
}

// input is a folder or file the target reads, with how a reason names it.
type input struct {
	rel   string // repository-relative, slash-separated ("." for the root)
	own   bool   // the target's own folder (or file)
	label string // for dependencies and shared inputs
}

func (s *Selector) decide(ctx context.Context, t render.Target, root string, files []string) Decision {
	d := Decision{Target: t}
	if ctx.Err() != nil {
		d.Selected, d.Reason = true, "selection was interrupted"
		return d
	}
	disp := displayer{root: root, base: resolve(absPath(t.Root))}
	var inputs []input
	switch t.Kind {
	case render.KindChart:
		dir := absPath(t.Path)
		inputs = append(inputs, input{rel: relTo(root, dir), own: true})
		g, err := s.Graph(dir)
		if err != nil {
			// Select on what is known rather than not at all: the lint of a
			// selected chart then reports why it does not load.
			d.Warning = "only its own files count, as it does not load: " + textsafe.Fields(err.Error())
			g = nil
			if s.Fallback != nil {
				fg, unresolved, ferr := s.Fallback(dir)
				if ferr == nil {
					g = fg
					d.Warning = "dependencies taken from its declarations"
					if n := len(unresolved); n > 0 {
						d.Warning += fmt.Sprintf(" (%d not in the tree)", n)
					}
					d.Warning += ", as it does not load: " + textsafe.Fields(err.Error())
				}
			}
		}
		if g != nil {
			for _, dep := range g.Dirs() {
				if dep == dir {
					continue
				}
				rel := relTo(root, dep)
				inputs = append(inputs, input{rel: rel, label: "depends on " + disp.show(rel)})
			}
		}
		if s.Extra != nil {
			for _, f := range s.Extra(dir) {
				rel := relTo(root, absPath(f))
				inputs = append(inputs, input{rel: rel, label: "reads " + disp.show(rel)})
			}
		}
	case render.KindArchive, render.KindManifests:
		if t.Path == "-" {
			d.Selected, d.Reason = true, "reads stdin"
			return d
		}
		inputs = append(inputs, input{rel: relTo(root, absPath(t.Path)), own: true})
	}
	for _, sh := range s.Shared {
		rel := relTo(root, absPath(sh.Path))
		inputs = append(inputs, input{rel: rel, label: sh.Label})
	}

	// The target's own files win as the reason; then the first input, in
	// graph order, that the change touches.
	for _, own := range []bool{true, false} {
		for _, in := range inputs {
			if in.own != own || in.rel == "" {
				continue
			}
			hits := under(files, in.rel)
			if len(hits) == 0 {
				continue
			}
			d.Selected = true
			first := disp.show(hits[0]) + " changed"
			if more := countOthers(files, inputs, own); more > 0 {
				first += fmt.Sprintf(" (and %d more %s)", more, textsafe.Plural(more, "file", "files"))
			}
			if in.own {
				d.Reason = first
			} else {
				d.Reason = in.label + " (" + first + ")"
			}
			return d
		}
	}
	return d
}

// countOthers counts the changed files, beyond the first named, that the
// reason's kind of input (own, or any input) covers.
func countOthers(files []string, inputs []input, ownOnly bool) int {
	n := 0
	for _, f := range files {
		for _, in := range inputs {
			if (ownOnly && !in.own) || in.rel == "" {
				continue
			}
			if in.rel == "." || f == in.rel || strings.HasPrefix(f, in.rel+"/") {
				n++
				break
			}
		}
	}
	return n - 1
}

// under lists the files equal to rel or below it.
func under(files []string, rel string) []string {
	if rel == "." {
		return files
	}
	var out []string
	for _, f := range files {
		if f == rel || strings.HasPrefix(f, rel+"/") {
			out = append(out, f)
		}
	}
	return out
}

// relTo is p relative to the repository root, slash-separated; "" when p
// lies outside it (a change cannot touch it).
func relTo(root, p string) string {
	r, err := filepath.Rel(root, resolve(p))
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return ""
	}
	return path.Clean(filepath.ToSlash(r))
}

// displayer shows repository paths relative to the linted root, as the
// charts are named ("so/values.yaml" for kubernetes/so/values.yaml).
type displayer struct{ root, base string }

func (d displayer) show(rel string) string {
	b := relTo(d.root, d.base)
	if b == "" || b == "." {
		return rel
	}
	if r, ok := strings.CutPrefix(rel, b+"/"); ok {
		return r
	}
	return rel
}

func absPath(p string) string {
	if p == "" {
		return ""
	}
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return a
}

// Selected returns the selected targets, in order.
func Selected(ds []Decision) []render.Target {
	var out []render.Target
	for _, d := range ds {
		if d.Selected {
			out = append(out, d.Target)
		}
	}
	return out
}

// SortedNames lists target names, sorted.
func SortedNames(ts []render.Target) []string {
	out := make([]string, 0, len(ts))
	for _, t := range ts {
		out = append(out, t.Name())
	}
	slices.Sort(out)
	return out
}
