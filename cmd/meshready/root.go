package main

import (
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/meshready/meshready/internal/render"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "meshready",
		Short: "Check and make ONAP OOM Helm charts ready for the Istio service mesh",
		Long: `meshready renders ONAP OOM Helm charts straight from the source tree (offline,
with the Helm v3 SDK), lints them for Istio service-mesh readiness with Rego
policies, reporting each finding at the template or values.yaml line to edit,
and transforms charts and manifests to make them mesh-ready.`,
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return withCode(exitError, err) })
	profileFlags(root)
	memoryFlags(root)
	root.AddCommand(newRenderCmd(), newDepsCmd(), newLintCmd(), newDemoCmd(), newBaselineCmd(), newReportCmd(),
		newFixCmd(), newFnCmd(), newRulesCmd(), newPolicyCmd(), newVersionCmd())
	return root
}

// addRenderFlags binds the `helm template` value and capability flags that
// every rendering command shares.
func addRenderFlags(fs *pflag.FlagSet, o *render.Options) {
	fs.StringVar(&o.ReleaseName, "release-name", o.ReleaseName, "release name used to render")
	fs.StringVarP(&o.Namespace, "namespace", "n", o.Namespace, "namespace used to render")
	fs.StringArrayVarP(&o.ValueFiles, "values", "f", nil, "values file (repeatable)")
	fs.StringArrayVar(&o.Set, "set", nil, "set a value, key=value (repeatable)")
	fs.StringArrayVar(&o.SetString, "set-string", nil, "set a string value, key=value (repeatable)")
	fs.StringArrayVar(&o.SetFile, "set-file", nil, "set a value from a file, key=path (repeatable)")
	fs.StringVar(&o.KubeVersion, "kube-version", "", "Kubernetes version offered to templates (.Capabilities.KubeVersion)")
	fs.StringSliceVarP(&o.APIVersions, "api-versions", "a", o.APIVersions, "API versions offered to templates (.Capabilities.APIVersions); the Istio groups are included by default")
	fs.StringArrayVar(&o.ChartPaths, "chart-path", nil, "search root for '@local' dependencies (repeatable; default: the OOM tree the chart lives in)")
	fs.StringVar(&o.Umbrella, "umbrella", "", "umbrella chart whose global: values are merged (e.g. kubernetes/onap)")
	fs.DurationVar(&o.Timeout, "timeout", render.DefaultTimeout, "time limit for rendering one chart")
	fs.BoolVar(&o.AllowOutsideRoot, "allow-outside-root", false, "allow file:// dependencies and symlinks that leave the chart's tree")
	fs.Var(render.HelmCompatValue{P: &o.HelmCompat}, "helm-compat", "render templates as this older Helm release does, for trees built with it: 3.6 (Helm v3.6.3; OOM frankfurt to istanbul); default: today's Helm (.meshready.yaml helmCompat)")
	fs.BoolVar(&o.Fetch, "fetch", false, "download dependencies from chart repositories that Helm's repository cache lacks into it ($HELM_REPOSITORY_CACHE, with $HELM_REPOSITORY_CONFIG), through Helm's dependency manager; without it they are served offline from that cache or a vendored charts/*.tgz")
}
