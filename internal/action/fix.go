package action

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/meshready/meshready/internal/gate"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/textsafe"
	"github.com/meshready/meshready/rules"
	"github.com/meshready/meshready/transform/fix"
)

// Fix is `meshready fix`: edit chart sources so the injection and port
// rules pass, printing a diff or (Write) applying it, all files or none.
type Fix struct {
	Render          render.Options
	Write           bool
	Only            []string
	InjectStyle     string
	Protocols       []string // PORT|NAME=PROTOCOL
	NamespaceLabels []string // key=value
	ConfigFile      string
	Policies        []string
	Quiet           bool
	RelativeTo      string
}

// NewFix is a fix with the flags' defaults.
func NewFix() *Fix { return &Fix{Render: render.DefaultOptions(), InjectStyle: fix.StyleAnnotation} }

// Run fixes the charts at paths.
func (a *Fix) Run(ctx context.Context, s IO, paths []string) error {
	quietHelm()
	if len(paths) == 0 {
		return failed(fmt.Errorf("fix: name a chart folder or an OOM kubernetes/ root"))
	}
	cfg, err := LoadConfig(Overrides{ConfigFile: a.ConfigFile, NamespaceLabels: a.NamespaceLabels, AllowOutsideRoot: a.Render.AllowOutsideRoot}, paths)
	if err != nil {
		return failed(err)
	}
	table := map[string]string{}
	for _, kv := range a.Protocols {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" || v == "" {
			return failed(fmt.Errorf("--port-protocol %q: want PORT=PROTOCOL or NAME=PROTOCOL", kv))
		}
		table[k] = v
	}
	eng, err := rules.NewPolicies(ctx, a.Render.AllowOutsideRoot, a.Policies...)
	if err != nil {
		return failed(err)
	}
	var known []string
	for _, r := range eng.Rules() {
		known = append(known, r.ID)
	}
	if err := cfg.CheckRules(known); err != nil {
		return failed(err)
	}
	diffRoot, err := a.diffRoot(ctx, paths[0])
	if err != nil {
		return failed(err)
	}
	fix.Recovered = func(msg string) { fmt.Fprintln(s.Err, "meshready: "+textsafe.Escape(msg)) }
	res, err := fix.Run(ctx, paths, fix.Options{
		DiffRoot:    diffRoot,
		Render:      a.Render,
		Config:      cfg,
		Settings:    RuleSettings(cfg, a.Render.Namespace),
		Engine:      eng,
		Only:        a.Only,
		InjectStyle: a.InjectStyle,
		Protocols:   table,
	})
	if err != nil {
		return failed(err)
	}
	if !a.Quiet {
		printFix(s.Err, res)
	}
	if res.Check != nil {
		return failed(fmt.Errorf("self-check failed, nothing written:\n%v", res.Check))
	}
	code := ExitOK
	if len(res.Errors) > 0 {
		code = ExitError
	}
	if !a.Write {
		fmt.Fprint(s.Out, res.Diff)
		return Exit(code, nil)
	}
	if len(res.Files) == 0 {
		if !a.Quiet {
			fmt.Fprintln(s.Err, "nothing to write")
		}
		return Exit(code, nil)
	}
	fix.Leftovers = func(paths []string) {
		for _, p := range paths {
			fmt.Fprintf(s.Err, "meshready: removed %s, a temporary file of an earlier run that was killed\n", textsafe.Escape(p))
		}
	}
	if err := res.Write(); err != nil {
		if errors.Is(err, fix.ErrInterrupted) {
			return failed(err)
		}
		return failed(fmt.Errorf("write failed: %w", err))
	}
	if !a.Quiet {
		fmt.Fprintf(s.Err, "meshready: fix: wrote %s, fixed %s (%s refused)\n",
			textsafe.Count(len(res.Files), "file", "files"), textsafe.Count(res.Fixed, "finding", "findings"), textsafe.Count(len(res.Refusals), "fix", "fixes"))
	}
	return Exit(code, nil)
}

// diffRoot is where the diff applies: --relative-to, else the git top
// level of the first input, else the current folder.
func (a *Fix) diffRoot(ctx context.Context, first string) (string, error) {
	if a.RelativeTo != "" {
		return folder("--relative-to", a.RelativeTo)
	}
	if top, err := gate.Toplevel(ctx, first); err == nil {
		return top, nil
	}
	return filepath.Abs(".")
}

// printFix prints what the run does and refuses, then chart errors.
func printFix(w io.Writer, res *fix.Result) {
	for _, c := range res.Changes {
		fmt.Fprintf(w, "fix: %s\n", c)
	}
	for _, c := range res.Refusals {
		fmt.Fprintf(w, "skip: %s\n", c)
	}
	for _, n := range res.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	for _, e := range res.Errors {
		fmt.Fprintf(w, "error: %s\n", e)
	}
	if len(res.Changes) == 0 && len(res.Refusals) == 0 && len(res.Errors) == 0 {
		fmt.Fprintln(w, "nothing to fix")
	}
}
