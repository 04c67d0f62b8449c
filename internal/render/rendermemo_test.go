package render_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"

	"github.com/meshready/meshready/internal/render"
)

// rendered is what the whole-tree tests keep of one of our renders: the
// stream (compared with a helm CLI) and the objects (compared with lint
// mode).
type rendered struct {
	manifest string
	refs     []string
	err      error
}

type renderMemoEntry struct {
	once sync.Once
	r    rendered
}

var renderMemo sync.Map // chart folder + options -> *renderMemoEntry

// renderOnce renders dir with h once per test process for each set of
// options that decides the output (the timeout does not):
// TestHonoluluAsHelm36RendersIt, TestLintModeRendersWhatHelmRenders and
// TestOOMParity render the same charts with the same options, each to
// compare with its own reference (helm v3.6.3, lint mode, the helm CLI). Only our side is shared: each test still runs
// its reference itself. Options with ExtraValues (a func) are not shared.
func renderOnce(h *render.Helm, dir string) rendered {
	do := func() rendered {
		res, err := h.Render(context.Background(), dir)
		if err != nil {
			return rendered{err: err}
		}
		return rendered{manifest: res.Manifest, refs: refs(res)}
	}
	o := h.Opts
	if o.ExtraValues != nil {
		return do()
	}
	o.Timeout = 0
	abs, err := filepath.Abs(dir)
	if err != nil {
		return rendered{err: err}
	}
	e, _ := renderMemo.LoadOrStore(fmt.Sprintf("%s\x00%#v", abs, o), &renderMemoEntry{})
	m := e.(*renderMemoEntry)
	m.once.Do(func() { m.r = do() })
	return m.r
}
