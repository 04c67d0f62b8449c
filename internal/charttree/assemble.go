package charttree

import (
	"errors"
	"fmt"
	"github.com/meshready/meshready/internal/textsafe"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
)

// ChartError is a problem with one chart's files: it names the chart
// directory and the file at fault, so the CLI can print one clear line.
type ChartError struct {
	Chart string // chart directory
	File  string // the file at fault, e.g. ".../Chart.yaml"
	Err   error
}

func (e *ChartError) Error() string {
	if e.File != "" {
		return fmt.Sprintf("%s: %s", e.File, Shorten(e.Err.Error()))
	}
	return fmt.Sprintf("%s: %s", e.Chart, Shorten(e.Err.Error()))
}

// Shorten keeps the start (what failed where) and the end (the cause) of a
// long message (textsafe.Shorten).
func Shorten(msg string) string     { return textsafe.Shorten(msg) }
func (e *ChartError) Unwrap() error { return e.Err }

// Node is one chart in a resolved dependency graph.
type Node struct {
	Name    string
	Version string
	Dir     string // where the chart's files live (absolute)
	// Embedded is true for subcharts loaded from the parent's charts/ folder.
	Embedded bool
	// Aliases are the names the parent gives this chart (Chart.yaml alias:);
	// Helm's "# Source:" paths use them.
	Aliases []string
	Deps    []*Node
}

// Owner walks a Helm template path ("# Source:", e.g.
// top/charts/sub/templates/x.yaml) down the graph: it returns the chain of
// charts from n to the template's owner, and the template's path inside the
// owner. The chain is empty when a step names no dependency.
func (n *Node) Owner(source string) ([]*Node, string) {
	parts := strings.Split(source, "/")
	if n == nil || len(parts) < 2 {
		return nil, ""
	}
	chain := []*Node{n}
	parts = parts[1:]
	for len(parts) >= 3 && parts[0] == "charts" {
		c := chain[len(chain)-1].Child(parts[1])
		if c == nil {
			return nil, ""
		}
		chain = append(chain, c)
		parts = parts[2:]
	}
	return chain, strings.Join(parts, "/")
}

// Child finds the dependency that Helm calls name (its name or an alias).
func (n *Node) Child(name string) *Node {
	for _, d := range n.Deps {
		if d.Name == name {
			return d
		}
		for _, a := range d.Aliases {
			if a == name {
				return d
			}
		}
	}
	return nil
}

// Dirs lists every directory the chart's render reads, the chart's own first.
func (n *Node) Dirs() []string {
	seen := map[string]bool{}
	var out []string
	var walk func(*Node)
	walk = func(x *Node) {
		if x.Dir != "" && !seen[x.Dir] {
			seen[x.Dir] = true
			out = append(out, x.Dir)
		}
		for _, d := range x.Deps {
			walk(d)
		}
	}
	walk(n)
	return out
}

// Assembler builds charts with their dependency trees from a source tree.
// Loaded charts are cached and cloned per use, so a shared chart such as
// common is read and parsed once per run. Safe for concurrent use.
type Assembler struct {
	Index *Index
	// Root bounds file:// dependencies: a path leaving it is refused unless
	// AllowOutsideRoot. Empty means no bound.
	Root             string
	AllowOutsideRoot bool

	mu    sync.Mutex
	cache map[string]*loaded
}

type loaded struct {
	once  sync.Once
	chart *chart.Chart
	err   error
}

// NewAssembler indexes the search roots. root bounds file:// paths.
func NewAssembler(root string, searchRoots ...string) (*Assembler, error) {
	ix, err := SharedIndex(searchRoots...)
	if err != nil {
		return nil, err
	}
	a := &Assembler{Index: ix}
	if root != "" {
		if a.Root, err = filepath.Abs(root); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// load reads a chart directory once.
func (a *Assembler) load(dir string) (*chart.Chart, error) {
	a.mu.Lock()
	if a.cache == nil {
		a.cache = map[string]*loaded{}
	}
	l, ok := a.cache[dir]
	if !ok {
		l = &loaded{}
		a.cache[dir] = l
	}
	a.mu.Unlock()
	l.once.Do(func() {
		var files []*loader.BufferedFile
		if files, l.err = a.readDir(dir); l.err == nil {
			l.chart, l.err = loadDir(dir, files)
		}
	})
	return l.chart, l.err
}

// loadDir loads the chart at dir from the files readDir read, or with
// Helm's LoadDir when files is nil.
func loadDir(dir string, files []*loader.BufferedFile) (*chart.Chart, error) {
	if !IsChartDir(dir) {
		return nil, &ChartError{Chart: dir, File: filepath.Join(dir, "Chart.yaml"), Err: errors.New("no Chart.yaml: not a chart directory")}
	}
	var c *chart.Chart
	var err error
	if files != nil {
		c, err = loader.LoadFiles(files)
	} else {
		c, err = loader.LoadDir(dir)
	}
	if err != nil {
		return nil, &ChartError{Chart: dir, File: faultyFile(dir, err), Err: err}
	}
	return c, nil
}

// faultyFile guesses which file of a chart a loader error is about.
func faultyFile(dir string, err error) string {
	msg := err.Error()
	for _, f := range []string{"values.yaml", "requirements.yaml", "Chart.lock", "requirements.lock", "values.schema.json"} {
		if strings.Contains(msg, f) {
			return filepath.Join(dir, f)
		}
	}
	return filepath.Join(dir, "Chart.yaml")
}

// Assemble returns the chart at dir with every declared dependency that its
// charts/ folder does not already hold attached, recursively, plus the graph.
func (a *Assembler) Assemble(dir string) (*chart.Chart, *Node, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, nil, err
	}
	return a.assemble(abs, nil)
}

func (a *Assembler) assemble(dir string, stack []string) (*chart.Chart, *Node, error) {
	for i, s := range stack {
		if s == dir {
			cycle := append(append([]string{}, stack[i:]...), dir)
			return nil, nil, &ChartError{Chart: dir, File: filepath.Join(dir, "Chart.yaml"),
				Err: fmt.Errorf("dependency cycle: %s", strings.Join(cycle, " -> "))}
		}
	}
	base, err := a.load(dir)
	if err != nil {
		return nil, nil, err
	}
	c := Clone(base)
	node := &Node{Name: c.Name(), Version: c.Metadata.Version, Dir: dir}
	for _, d := range c.Dependencies() {
		node.Deps = append(node.Deps, embeddedNode(d, embeddedDir(dir, d.Name())))
	}
	for _, req := range c.Metadata.Dependencies {
		if req != nil && req.Alias != "" && present(c, req) {
			if n := node.Child(req.Name); n != nil {
				n.Aliases = append(n.Aliases, req.Alias)
			}
		}
	}
	stack = append(stack, dir)
	attached := map[string]*Node{}
	for _, req := range c.Metadata.Dependencies {
		if req == nil || present(c, req) {
			continue
		}
		depDir, err := a.locate(dir, req)
		if err != nil {
			return nil, nil, &ChartError{Chart: dir, File: chartFileOf(dir, c), Err: err}
		}
		sub, subNode, err := a.assemble(depDir, stack)
		if err != nil {
			return nil, nil, err
		}
		key := sub.Name() + "@" + sub.Metadata.Version
		if n, ok := attached[key]; ok {
			// an alias of a chart already attached
			if req.Alias != "" {
				n.Aliases = append(n.Aliases, req.Alias)
			}
			continue
		}
		if req.Alias != "" {
			subNode.Aliases = append(subNode.Aliases, req.Alias)
		}
		attached[key] = subNode
		c.AddDependency(sub)
		node.Deps = append(node.Deps, subNode)
	}
	return c, node, nil
}

func embeddedNode(c *chart.Chart, dir string) *Node {
	n := &Node{Name: c.Name(), Version: c.Metadata.Version, Dir: dir, Embedded: true}
	for _, d := range c.Dependencies() {
		n.Deps = append(n.Deps, embeddedNode(d, embeddedDir(dir, d.Name())))
	}
	return n
}

// embeddedDir finds the folder under parent/charts/ that holds the chart
// called name (folder names need not match chart names). Empty when the
// subchart came from a packaged .tgz.
func embeddedDir(parent, name string) string {
	base := filepath.Join(parent, "charts")
	if md, err := readMeta(filepath.Join(base, name, "Chart.yaml")); err == nil && md.Name == name {
		return filepath.Join(base, name)
	}
	ents, _ := os.ReadDir(base)
	for _, e := range ents {
		if md, err := readMeta(filepath.Join(base, e.Name(), "Chart.yaml")); e.IsDir() && err == nil && md.Name == name {
			return filepath.Join(base, e.Name())
		}
	}
	return ""
}

// chartFileOf names the file that declares the chart's dependencies.
func chartFileOf(dir string, c *chart.Chart) string {
	if c.Metadata.APIVersion == chart.APIVersionV1 {
		if _, err := os.Stat(filepath.Join(dir, "requirements.yaml")); err == nil {
			return filepath.Join(dir, "requirements.yaml")
		}
	}
	return filepath.Join(dir, "Chart.yaml")
}

// present reports whether the chart's charts/ folder already satisfies req.
func present(c *chart.Chart, req *chart.Dependency) bool {
	for _, d := range c.Dependencies() {
		if d.Name() == req.Name && VersionMatches(req.Version, d.Metadata.Version) {
			return true
		}
	}
	return false
}

// locate finds the directory of a dependency, offline.
func (a *Assembler) locate(dir string, req *chart.Dependency) (string, error) {
	repo := strings.TrimSpace(req.Repository)
	origin, p := OriginOf(dir, repo)
	switch origin {
	case FromFolder:
		if err := a.checkInside(p); err != nil {
			return "", fmt.Errorf("dependency %q: %w", req.Name, err)
		}
		if !IsChartDir(p) {
			return "", fmt.Errorf("dependency %q: %s is not a chart directory", req.Name, repo)
		}
		md, err := readMeta(filepath.Join(p, "Chart.yaml"))
		if err == nil && !VersionMatches(req.Version, md.Version) {
			return "", fmt.Errorf("dependency %q: %s has version %s, which does not match %q", req.Name, repo, md.Version, req.Version)
		}
		return p, nil
	case FromIndex:
		e, err := a.Index.Find(req.Name, req.Version)
		if err != nil {
			return "", fmt.Errorf("dependency %q (repository %q): %w", req.Name, repo, err)
		}
		return e.Dir, nil
	default:
		return "", fmt.Errorf("dependency %q version %q comes from %s, which cannot be resolved offline; vendor it under charts/ or add a local chart of that name", req.Name, req.Version, repo)
	}
}

// checkInside refuses a path (after resolving symlinks) outside the root.
func (a *Assembler) checkInside(p string) error {
	if a.Root == "" || a.AllowOutsideRoot {
		return nil
	}
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		real = p
	}
	root, err := filepath.EvalSymlinks(a.Root)
	if err != nil {
		root = a.Root
	}
	if !inside(root, real) {
		return fmt.Errorf("path %s leaves the linted tree %s (use --allow-outside-root to permit)", p, a.Root)
	}
	return nil
}
