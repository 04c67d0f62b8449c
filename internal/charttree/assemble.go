package charttree

import (
	"errors"
	"fmt"
	"github.com/meshready/meshready/internal/textsafe"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

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
	// Missing are declared dependencies of this chart (a subchart) that
	// could not be had offline; see Assembler.complete.
	Missing []*MissingDep
}

// MissingDep is a dependency of a subchart that is not at hand.
type MissingDep struct {
	Name, Alias, Version, Repository string
	File                             string // the file that declares it
	Err                              error
}

// HasMissing reports whether any chart of the graph lacks a dependency.
func (n *Node) HasMissing() bool {
	if n == nil {
		return false
	}
	if len(n.Missing) > 0 {
		return true
	}
	for _, d := range n.Deps {
		if d.HasMissing() {
			return true
		}
	}
	return false
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
	// Remote serves dependencies from chart repositories out of Helm's
	// repository cache (nil: none are served).
	Remote *Remote

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

// chartReads counts the charts read from disk by every Assembler.
var chartReads atomic.Int64

// ChartReads is the number of chart folders and archives read from disk
// so far in this process (tests prove a run reads each chart once).
func ChartReads() int64 { return chartReads.Load() }

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
		chartReads.Add(1)
		if isArchive(dir) {
			// a chart from Helm's repository cache (Remote)
			if l.chart, l.err = loader.LoadFile(dir); l.err != nil {
				l.err = &ChartError{Chart: dir, File: dir, Err: l.err}
			}
			return
		}
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
	if isArchive(dir) {
		// packaged: its dependencies are the ones packaged with it
		return c, embeddedNode(c, ""), nil
	}
	node := &Node{Name: c.Name(), Version: c.Metadata.Version, Dir: dir}
	if err := a.complete(c, dir, node, stack); err != nil {
		return nil, nil, err
	}
	return c, node, nil
}

// complete attaches to c, loaded from dir, every declared dependency its
// charts/ folder does not already hold, and does the same, recursively, for
// the subcharts its charts/ folder keeps as folders: OOM's Makefiles run
// `helm dep up` inside charts/ for those (casablanca's dcaegen2/Makefile:
// `cd charts && helm dep up dcae-bootstrap`, which vendors postgres from
// @local), so the chart OOM's build packages holds their dependencies too.
//
// A dependency from a remote repository that cannot be had offline is
// fatal for the chart being rendered (Helm's CLI checks the top chart's
// dependencies before anything else: action.CheckDependencies). Below it,
// it is recorded in node.Missing instead: Helm never requires a
// subchart's dependencies, and one in a subtree that conditions or tags
// disable is never needed; RequireEnabled decides after they are evaluated.
func (a *Assembler) complete(c *chart.Chart, dir string, node *Node, stack []string) error {
	for _, d := range c.Dependencies() {
		sub := embeddedDir(dir, d.Name())
		subNode := embeddedNode(d, sub)
		node.Deps = append(node.Deps, subNode)
		if sub == "" {
			continue
		}
		if err := a.complete(d, sub, subNode, append(stack, dir)); err != nil {
			return err
		}
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
			if origin, _ := OriginOf(dir, req.Repository); origin == FromRemote && len(stack) > 1 {
				node.Missing = append(node.Missing, &MissingDep{Name: req.Name, Alias: req.Alias, Version: req.Version, Repository: req.Repository, File: chartFileOf(dir, c), Err: err})
				continue
			}
			return &ChartError{Chart: dir, File: chartFileOf(dir, c), Err: err}
		}
		sub, subNode, err := a.assemble(depDir, stack)
		if err != nil {
			return err
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
	return nil
}

// embeddedNode is the graph node of a subchart loaded from its parent's
// charts/ folder. complete fills in the dependencies of one kept as a
// folder; those of one packaged as a .tgz are listed here (dir "").
func embeddedNode(c *chart.Chart, dir string) *Node {
	n := &Node{Name: c.Name(), Version: c.Metadata.Version, Dir: dir, Embedded: true}
	if dir != "" {
		return n
	}
	for _, d := range c.Dependencies() {
		n.Deps = append(n.Deps, embeddedNode(d, ""))
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

// locate finds the directory of a dependency, offline, or for one from a
// chart repository its archive in Helm's repository cache (Remote).
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
		if a.Remote != nil {
			return a.Remote.Find(repo, req.Name, req.Version)
		}
		return "", MissingRemoteError(req.Name, req.Version, repo)
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

// isArchive: a packaged chart as Helm's loader opens one, in charts/ or as
// a nested entry (pkg/chart/loader: filepath.Ext(n) == ".tgz").
func isArchive(p string) bool { return strings.HasSuffix(p, ".tgz") }

// MissingRemoteError says what to do about a dependency from a chart
// repository that is neither vendored nor in Helm's repository cache.
func MissingRemoteError(name, version, repo string) error {
	return fmt.Errorf("dependency %q version %q comes from %s, which cannot be resolved offline (it is neither vendored under charts/ nor in Helm's repository cache): vendor it (`helm dep up`, or `meshready deps --vendor`), fetch it into Helm's repository cache with --fetch, or leave the chart out (exclude: in .meshready.yaml)", name, version, repo)
}
