// Package render turns lint and transform inputs into resources: chart
// directories and packaged charts through Helm's own engine (helm.go), and
// already-rendered manifests read as they are (manifests.go). One Renderer
// per kind of input.
package render

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/meshready/meshready/internal/charttree"
	"github.com/meshready/meshready/internal/resource"
)

// Renderer turns one input into resources.
type Renderer interface {
	Render(ctx context.Context, target string) (*Result, error)
}

// Result is everything rendered for one input.
type Result struct {
	// Chart names the input as Render was given it: the chart directory's
	// path, a manifest file's path, or "stdin". It is not made relative to
	// any root here (internal/lint does that for what it reports).
	Chart string
	// ChartDir is the chart's directory (empty for manifest input).
	ChartDir string
	// Manifest is the stream exactly as `helm template` prints it.
	Manifest  string
	Resources []*resource.Resource
	// Graph is the resolved dependency tree (nil for manifest input).
	Graph *charttree.Node
	// Values are the values the chart was rendered with (user values merged
	// over umbrella globals; chart defaults not included).
	Values map[string]any
}

// Kind classifies an input path.
type Kind int

const (
	KindChart     Kind = iota // a chart directory
	KindArchive               // a packaged chart (.tgz)
	KindManifests             // rendered YAML (a file or "-" for stdin)
	KindTree                  // an OOM kubernetes/ root: every top-level chart
)

// Classify tells what kind of input a path is.
func Classify(path string) Kind {
	if path == "-" {
		return KindManifests
	}
	low := strings.ToLower(path)
	if strings.HasSuffix(low, ".tgz") || strings.HasSuffix(low, ".tar.gz") {
		return KindArchive
	}
	st, err := os.Stat(path)
	if err == nil && st.IsDir() {
		if charttree.IsChartDir(path) {
			return KindChart
		}
		return KindTree
	}
	return KindManifests
}

// Expand turns the user's inputs into the list of things to render: a tree
// becomes its top-level charts. It returns also the root each input is
// relative to (for naming charts).
func Expand(inputs []string) ([]Target, error) {
	var out []Target
	for _, in := range inputs {
		switch Classify(in) {
		case KindTree:
			charts, err := charttree.Discover(in)
			if err != nil {
				return nil, err
			}
			for _, c := range charts {
				out = append(out, Target{Path: c, Root: in, Kind: KindChart})
			}
		case KindChart:
			out = append(out, Target{Path: in, Root: filepath.Dir(in), Kind: KindChart})
		default:
			out = append(out, Target{Path: in, Kind: Classify(in)})
		}
	}
	return out, nil
}

// Target is one input to render.
type Target struct {
	Path string
	Root string // the folder chart names are relative to
	Kind Kind
}

// Name is how reports call the target: the chart path relative to its root.
func (t Target) Name() string {
	if t.Root != "" {
		if rel, err := filepath.Rel(t.Root, t.Path); err == nil {
			return filepath.ToSlash(rel)
		}
	}
	return t.Path
}
