package main

import (
	"github.com/spf13/cobra"

	"github.com/meshready/meshready/internal/action"
)

// newFnValidator supplies the rules that validate the KRM function's
// output (nil: none); tests replace it.
var newFnValidator = action.FnValidator

func newFnCmd() *cobra.Command {
	a := action.NewFn()
	cmd := &cobra.Command{
		Use:   "fn [--config FILE] [FILE...]",
		Short: "Run meshready as a KRM function (kpt, kustomize) or over manifest files",
		Long: `Read a ResourceList (config.kubernetes.io/v1) on stdin and write one on stdout,
as the KRM Functions Specification says, making the resources mesh-ready:
sidecar injection, protocol-named Service ports, Istio PeerAuthentication,
DestinationRule, AuthorizationPolicy and Sidecar resources, and lint findings
as results.

With file arguments, or stdin that is not a ResourceList (e.g. 'helm template
... | meshready fn --config cfg.yaml'), it reads a plain manifest stream and
writes one back, with results on stderr.

The functionConfig is a MeshReady (apiVersion fn.meshready.dev/v1alpha1) or
a ConfigMap of flat keys (injection.style=annotation, ports.mode=appProtocol,
peerAuthentication.mode=PERMISSIVE, ...). --config overrides the
ResourceList's functionConfig.

Exit codes: 0 ok, 1 findings at or above validation.failOn, 2 bad input or config.`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a.Validator = newFnValidator
			return a.Run(cmd.Context(), streams(cmd), args)
		},
	}
	cmd.Flags().StringVar(&a.ConfigFile, "config", "", "functionConfig file (MeshReady or ConfigMap)")
	return cmd
}
