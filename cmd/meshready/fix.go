package main

import (
	"github.com/spf13/cobra"

	"github.com/meshready/meshready/internal/action"
	"github.com/meshready/meshready/transform/fix"
)

func newFixCmd() *cobra.Command {
	a := action.NewFix()
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
		RunE: func(cmd *cobra.Command, args []string) error { return a.Run(cmd.Context(), streams(cmd), args) },
	}
	fs := cmd.Flags()
	addRenderFlags(fs, &a.Render)
	fs.BoolVar(&a.Write, "write", false, "apply the changes (default: print a unified diff)")
	fs.StringSliceVar(&a.Only, "only", nil, "operations to run: injection, ports (default: both)")
	fs.StringVar(&a.InjectStyle, "inject-style", a.InjectStyle, "where the injection switch goes: annotation (ONAP's 2018 form) or label (Istio's current form)")
	fs.StringArrayVar(&a.Protocols, "port-protocol", nil, "a port's protocol when the chart does not show it, PORT|NAME=PROTOCOL (repeatable), e.g. 8500=http")
	fs.StringArrayVar(&a.NamespaceLabels, "namespace-label", nil, "a label the target namespace carries in the cluster, key=value (repeatable); istio-injection=enabled means pods need no switch")
	fs.StringVar(&a.ConfigFile, "config", "", "configuration file (default: .meshready.yaml found upward from the first input); its ignore entries keep resources out of the fix")
	fs.StringArrayVar(&a.Policies, "policy", nil, "folder of extra Rego policies (repeatable)")
	fs.BoolVarP(&a.Quiet, "quiet", "q", false, "print only the diff (and errors)")
	fs.StringVar(&a.RelativeTo, "relative-to", "", "folder the diff's paths are relative to, where git apply runs (default: the git top level of the first PATH, else the current folder)")
	completeValues(cmd, "inject-style", fix.StyleAnnotation, fix.StyleLabel)
	completeValues(cmd, "only", fix.OpInjection, fix.OpPorts)
	return cmd
}
