package action

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/meshready/meshready/internal/charttree"
	"github.com/meshready/meshready/internal/config"
	"github.com/meshready/meshready/internal/gate"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/report"
	"github.com/meshready/meshready/internal/textsafe"
)

// Gate are lint's pre-merge gate settings.
type Gate struct {
	ChangedFrom    string
	ChangedFiles   string
	RepoRoot       string
	GerritLabel    string
	Baseline       string
	BaselineUpdate bool
}

// ChangedOnly says whether the run lints only the charts a change affects.
func (g *Gate) ChangedOnly() bool { return g.ChangedFrom != "" || g.ChangedFiles != "" }

func (g *Gate) validate(format, color string, args []string) error {
	switch {
	case g.ChangedFrom != "" && g.ChangedFiles != "":
		return fmt.Errorf("--changed-from and --changed-files: give one of them")
	case g.BaselineUpdate && g.Baseline == "":
		return fmt.Errorf("--baseline-update needs --baseline FILE")
	case g.GerritLabel != "" && format != "gerrit":
		return fmt.Errorf("--gerrit-label applies to --format gerrit, not %s", format)
	case !slices.Contains([]string{"auto", "always", "never", ""}, color):
		return fmt.Errorf("--color %q: want auto, always or never", color)
	case g.ChangedFiles == "-" && slices.Contains(args, "-"):
		return fmt.Errorf("--changed-files - and the input - cannot both read stdin")
	}
	return nil
}

// folder resolves a flag naming a folder: absolute, symlinks resolved (as
// git's top level is), and an error when it is not a folder.
func folder(flag, dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("%s: %w", flag, err)
	}
	if st, err := os.Stat(abs); err != nil || !st.IsDir() {
		return "", fmt.Errorf("%s %s: not a folder", flag, dir)
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	return abs, nil
}

// root is the repository root: --repo-root, else the git top level of the
// first input when the gate or the format needs one ("" otherwise, and
// when the formats can fall back to the working directory).
func (g *Gate) root(ctx context.Context, format string, args []string) (string, error) {
	if g.RepoRoot != "" {
		return folder("--repo-root", g.RepoRoot)
	}
	if !g.ChangedOnly() && !report.NeedsOf(format).RepoPaths {
		return "", nil
	}
	dir := "."
	if len(args) > 0 && args[0] != "-" {
		dir = args[0]
	}
	top, err := gate.Toplevel(ctx, dir)
	if err != nil {
		if g.ChangedOnly() {
			return "", fmt.Errorf("cannot map changed files to charts: %w (run inside the git repository, or pass --repo-root)", err)
		}
		return "", nil
	}
	return top, nil
}

// change reads what the change touches.
func (g *Gate) change(ctx context.Context, root string, stdin io.Reader) (*gate.Change, error) {
	if g.ChangedFrom != "" {
		return gate.Diff(ctx, root, g.ChangedFrom)
	}
	if g.ChangedFiles == "-" {
		return gate.ReadList(stdin, "stdin", root)
	}
	fh, err := os.Open(g.ChangedFiles)
	if err != nil {
		return nil, fmt.Errorf("--changed-files: %w", err)
	}
	defer fh.Close()
	return gate.ReadList(fh, g.ChangedFiles, root)
}

// selector decides which charts a change affects, from the graphs the
// run's renderer resolves (a load, no render: the lint that follows finds
// the charts already read) and the inputs every chart shares.
func (g *Gate) selector(in *Inputs, cfg *config.Config, h *render.Helm) *gate.Selector {
	s := &gate.Selector{
		Graph: func(dir string) (*charttree.Node, error) {
			_, g, _, err := h.Load(dir)
			return g, err
		},
		Fallback: func(dir string) (*charttree.Node, []string, error) {
			roots := in.Render.ChartPaths
			if len(roots) == 0 {
				roots = []string{charttree.TreeRoot(dir)}
			}
			return gate.Declared(dir, roots)
		},
		// as lint.New names charts for the configuration's per-chart values
		Extra:   func(dir string) []string { return cfg.ValuesFor(filepath.Base(dir)) },
		Workers: in.Workers,
	}
	add := func(p, label string) { s.Shared = append(s.Shared, gate.Shared{Path: p, Label: label}) }
	for _, v := range in.Render.ValueFiles {
		add(v, "--values "+v)
	}
	for _, kv := range in.Render.SetFile {
		if _, p, ok := strings.Cut(kv, "="); ok {
			add(p, "--set-file "+p)
		}
	}
	if in.Render.Umbrella != "" {
		add(filepath.Join(in.Render.Umbrella, "values.yaml"), "--umbrella "+in.Render.Umbrella)
	}
	if cfg.Path != "" {
		add(cfg.Path, "the configuration "+cfg.Path)
	}
	for _, p := range in.Policies {
		add(p, "--policy "+p)
	}
	return s
}

// printSelection says on stderr which charts the change selected and why.
func printSelection(w io.Writer, ds []gate.Decision, c *gate.Change) {
	n := 0
	for _, d := range ds {
		if d.Selected {
			n++
		}
	}
	fmt.Fprintf(w, "meshready: %s changed (%s): %d of %d %s selected\n",
		textsafe.Count(len(c.Files), "file", "files"), c.Source, n, len(ds), textsafe.Plural(len(ds), "chart", "charts"))
	for _, d := range ds {
		if d.Selected {
			fmt.Fprintf(w, "selected %s: %s\n", textsafe.Escape(d.Target.Name()), textsafe.Escape(d.Reason))
		}
	}
	for _, d := range ds {
		if d.Warning != "" {
			fmt.Fprintf(w, "meshready: note: %s: %s\n", textsafe.Escape(d.Target.Name()), textsafe.Line(d.Warning))
		}
	}
	if n == 0 {
		fmt.Fprintln(w, "meshready: no chart selected: the change touches no linted chart and none of their dependencies; nothing to lint")
	}
}
