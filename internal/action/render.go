package action

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"github.com/meshready/meshready/internal/charttree"
	"github.com/meshready/meshready/internal/memguard"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/textsafe"
	"github.com/meshready/meshready/internal/workpool"
)

// Render is `meshready render`: print a chart, or every top-level chart
// of a root, exactly as `helm template` prints it.
type Render struct {
	Options render.Options
	Workers int
}

// NewRender is a render with the flags' defaults.
func NewRender() *Render { return &Render{Options: render.DefaultOptions()} }

// Run renders target; charts that fail are reported on stderr (exit 2),
// the others still printed.
func (a *Render) Run(ctx context.Context, s IO, target string) error {
	targets, err := render.Expand([]string{target})
	if err != nil {
		return failed(err)
	}
	h := render.NewHelm(a.Options)
	results := make([]*render.Result, len(targets))
	errs := make([]error, len(targets))
	var spent atomic.Int64
	workpool.RunLargestFirst(h.Costs(targets), a.Workers, func(i int) {
		start := time.Now()
		done := memguard.Doing("rendering chart " + targets[i].Name())
		results[i], errs[i] = h.Render(ctx, targets[i].Path)
		done()
		spent.Add(int64(time.Since(start)))
	})
	if os.Getenv("MESHREADY_TIMINGS") != "" {
		// for make bench: the render time lint's own cost is compared with
		fmt.Fprintf(s.Err, "timings: render %.2fs\n", time.Duration(spent.Load()).Seconds())
	}
	bad := 0
	for i, res := range results {
		if errs[i] != nil {
			fmt.Fprintf(s.Err, "meshready: %s\n", textsafe.Line(errs[i].Error()))
			bad++
			continue
		}
		fmt.Fprint(s.Out, res.Manifest)
	}
	if bad > 0 {
		return Exit(ExitError, nil)
	}
	return nil
}

// Deps is `meshready deps`: write a chart with its resolved dependencies
// packaged under charts/, for plain `helm template`.
type Deps struct {
	Options render.Options
	Vendor  string
}

// NewDeps is a deps with the flags' defaults.
func NewDeps() *Deps { return &Deps{Options: render.DefaultOptions()} }

// Run vendors chart into Vendor and prints the folder written.
func (a *Deps) Run(_ context.Context, s IO, chart string) error {
	if a.Vendor == "" {
		return failed(fmt.Errorf("deps: --vendor DIR is required"))
	}
	ch, _, _, err := render.NewHelm(a.Options).Load(chart)
	if err != nil {
		return failed(err)
	}
	out, err := charttree.Vendor(ch, a.Vendor)
	if err != nil {
		return failed(err)
	}
	fmt.Fprintln(s.Out, out)
	return nil
}
