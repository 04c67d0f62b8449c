package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/meshready/meshready/internal/textsafe"
	"io"
	"log"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/meshready/meshready/internal/config"
	"github.com/meshready/meshready/internal/gate"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/rules"
	"github.com/meshready/meshready/transform/fix"
)

func init() { extraCommands = append(extraCommands, newFixCmd) }

type fixFlags struct {
	render      render.Options
	write       bool
	only        []string
	injectStyle string
	protocols   []string
	nsLabels    []string
	configPath  string
	policies    []string
	quiet       bool
	relativeTo  string
}

func newFixCmd() *cobra.Command {
	f := &fixFlags{render: render.DefaultOptions()}
	cmd := &cobra.Command{
		Use:   "fix PATH... [--write] [--only injection,ports] [--inject-style annotation|label]",
		Short: "Edit chart sources to inject the Istio sidecar and name Service ports for their protocol",
		Long: `Make OOM charts mesh-ready at the source, the way ONAP's engineers did by hand
(MSB-226, MULTICLOUD-290). PATH is a chart folder or an OOM kubernetes/ root
(every top-level chart). What to fix comes from the lint rules sidecar-injection,
port-protocol-name and port-protocol-mismatch:

  injection  adds sidecar.istio.io/inject: "{{ .Values.istioSidecar }}" under the
             pod template's annotations (or labels with --inject-style label),
             in the file's style, and istioSidecar: true to the owning chart's
             values.yaml; pods whose metadata comes from common.templateMetadata
             get sidecar.istio.io/inject: "true" under podAnnotations instead.
  ports      renames Service ports to <protocol>-<name> where the name is written
             (a template literal, a values.yaml value, or the template expression
             as http-{{ .Values.x }}), with container ports, targetPorts, probes
             and monitors that name them; unnamed literal ports get a name.

values.yaml is edited byte for byte: comments, blank lines and key order stay.
Where an edit is not safe (annotations from another helper, inline maps, toYaml
of an unknown value, names computed by a helper) the workload or port is left
alone with a message saying why and what to do by hand.

Before anything is written the fixer renders the edited charts again (under the
values given and both sides of "if eq .Values.x ..." switches) and checks that
they render, that only the intended fields changed, that the fixed rules no
longer fire and that a second run would change nothing.

By default it prints a unified diff for git apply, its paths relative to the
git top level of the first PATH (or --relative-to DIR, or the current folder
outside git); --write applies it, all files or none, and ends with the count
of files written and findings fixed.

Exit codes: 0 ok, 2 a chart does not render, the self-check failed (nothing is
written) or a write failed (every file is left as it was).`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runFix(cmd, f, args) },
	}
	fs := cmd.Flags()
	addRenderFlags(fs, &f.render)
	fs.BoolVar(&f.write, "write", false, "apply the changes (default: print a unified diff)")
	fs.StringSliceVar(&f.only, "only", nil, "operations to run: injection, ports (default: both)")
	fs.StringVar(&f.injectStyle, "inject-style", fix.StyleAnnotation, "where the injection switch goes: annotation (ONAP's 2018 form) or label (Istio's current form)")
	fs.StringArrayVar(&f.protocols, "port-protocol", nil, "a port's protocol when the chart does not show it, PORT|NAME=PROTOCOL (repeatable), e.g. 8500=http")
	fs.StringArrayVar(&f.nsLabels, "namespace-label", nil, "a label the target namespace carries in the cluster, key=value (repeatable); istio-injection=enabled means pods need no switch")
	fs.StringVar(&f.configPath, "config", "", "configuration file (default: .meshready.yaml found upward from the first input); its ignore entries keep resources out of the fix")
	fs.StringArrayVar(&f.policies, "policy", nil, "folder of extra Rego policies (repeatable)")
	fs.BoolVarP(&f.quiet, "quiet", "q", false, "print only the diff (and errors)")
	completeValues(cmd, "inject-style", fix.StyleAnnotation, fix.StyleLabel)
	completeValues(cmd, "only", fix.OpInjection, fix.OpPorts)
	fs.StringVar(&f.relativeTo, "relative-to", "", "folder the diff's paths are relative to, where git apply runs (default: the git top level of the first PATH, else the current folder)")
	return cmd
}

func runFix(cmd *cobra.Command, f *fixFlags, args []string) error {
	ctx := cmd.Context()
	stderr := cmd.ErrOrStderr()
	log.SetOutput(io.Discard) // Helm's value-coalescing warnings, as in lint
	var cfg *config.Config
	var err error
	if f.configPath != "" {
		cfg, err = config.Load(f.configPath)
	} else {
		cfg, err = config.Find(args[0])
	}
	if err == nil {
		err = cfg.CheckFiles(f.render.AllowOutsideRoot)
	}
	if err != nil {
		return withCode(exitError, err)
	}
	if cfg.NamespaceLabels == nil {
		cfg.NamespaceLabels = map[string]string{}
	}
	for _, kv := range f.nsLabels {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return withCode(exitError, fmt.Errorf("--namespace-label %q: want key=value", kv))
		}
		cfg.NamespaceLabels[k] = v
	}
	table := map[string]string{}
	for _, kv := range f.protocols {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" || v == "" {
			return withCode(exitError, fmt.Errorf("--port-protocol %q: want PORT=PROTOCOL or NAME=PROTOCOL", kv))
		}
		table[k] = v
	}
	eng, err := rules.NewPolicies(ctx, f.render.AllowOutsideRoot, f.policies...)
	if err != nil {
		return withCode(exitError, err)
	}
	var known []string
	for _, r := range eng.Rules() {
		known = append(known, r.ID)
	}
	if err := cfg.CheckRules(known); err != nil {
		return withCode(exitError, err)
	}
	trace := cfg.TraceFormat
	if trace == "" {
		trace = "b3"
	}
	diffRoot, err := f.diffRoot(ctx, args[0])
	if err != nil {
		return withCode(exitError, err)
	}
	fix.Recovered = func(msg string) { fmt.Fprintln(stderr, "meshready: "+textsafe.Escape(msg)) }
	res, err := fix.Run(ctx, args, fix.Options{
		DiffRoot: diffRoot,
		Render:   f.render,
		Config:   cfg,
		Settings: rules.Settings{Namespace: f.render.Namespace, NamespaceLabels: cfg.NamespaceLabels, TraceFormat: trace, NativeSidecars: cfg.NativeSidecars, KubernetesVersion: cfg.KubernetesVersion,
			IstioVersion: cfg.IstioVersion, IstioFlavor: cfg.IstioFlavor, Revisions: cfg.Revisions},
		Engine:      eng,
		Only:        f.only,
		InjectStyle: f.injectStyle,
		Protocols:   table,
	})
	if err != nil {
		return withCode(exitError, err)
	}
	if !f.quiet {
		reportFix(stderr, res)
	}
	if res.Check != nil {
		return withCode(exitError, fmt.Errorf("self-check failed, nothing written:\n%v", res.Check))
	}
	code := exitOK
	if len(res.Errors) > 0 {
		code = exitError
	}
	if !f.write {
		fmt.Fprint(cmd.OutOrStdout(), res.Diff)
		if code != exitOK {
			return withCode(code, nil)
		}
		return nil
	}
	if len(res.Files) == 0 {
		if !f.quiet {
			fmt.Fprintln(stderr, "nothing to write")
		}
		return withCode(code, nil)
	}
	fix.Leftovers = func(paths []string) {
		for _, p := range paths {
			fmt.Fprintf(stderr, "meshready: removed %s, a temporary file of an earlier run that was killed\n", textsafe.Escape(p))
		}
	}
	if err := res.Write(); err != nil {
		if errors.Is(err, fix.ErrInterrupted) {
			return withCode(exitError, err)
		}
		return withCode(exitError, fmt.Errorf("write failed: %w", err))
	}
	if !f.quiet {
		fmt.Fprintf(stderr, "meshready: fix: wrote %s, fixed %s (%s refused)\n",
			gateCount(len(res.Files), "file", "files"), gateCount(res.Fixed, "finding", "findings"), gateCount(len(res.Refusals), "fix", "fixes"))
	}
	if code != exitOK {
		return withCode(code, nil)
	}
	return nil
}

// diffRoot is where the diff applies: --relative-to, else the git top
// level of the first input, else the current folder.
func (f *fixFlags) diffRoot(ctx context.Context, first string) (string, error) {
	if f.relativeTo != "" {
		return folderFlag("--relative-to", f.relativeTo)
	}
	if top, err := gate.Toplevel(ctx, first); err == nil {
		return top, nil
	}
	return filepath.Abs(".")
}

// reportFix prints what the run does and refuses, then chart errors.
func reportFix(w io.Writer, res *fix.Result) {
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
