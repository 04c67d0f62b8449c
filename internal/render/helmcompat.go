package render

import (
	"fmt"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"

	"github.com/meshready/meshready/internal/render/helm36"
)

// HelmCompats are the --helm-compat / helmCompat values: the Helm releases
// whose template behaviour meshready reproduces besides today's (the Helm
// of go.mod, which "" means). "3.6" is Helm v3.6.3, with which OOM built
// frankfurt to istanbul: Helm >= 3.7 refuses their common.subChartDot.
var HelmCompats = []string{"3.6"}

// CheckHelmCompat rejects a Helm-compatibility setting meshready does not
// reproduce, naming the ones it does.
func CheckHelmCompat(v string) error {
	if v == "" {
		return nil
	}
	for _, c := range HelmCompats {
		if v == c {
			return nil
		}
	}
	return fmt.Errorf("%q is not a Helm release meshready reproduces (known: %q; empty: today's Helm)", v, HelmCompats)
}

// renderTemplates runs the template engine of the Helm release the options
// ask for: Helm's own (pkg/engine of go.mod's Helm), or Helm v3.6.3's
// (internal/render/helm36) for --helm-compat 3.6.
func (h *Helm) renderTemplates(ch *chart.Chart, rv chartutil.Values) (map[string]string, error) {
	switch h.Opts.HelmCompat {
	case "":
		return engine.Engine{}.Render(ch, rv)
	case "3.6":
		return helm36.Engine{}.Render(ch, rv)
	}
	return nil, fmt.Errorf("--helm-compat: %w", CheckHelmCompat(h.Opts.HelmCompat))
}

// processDependenciesAs processes ch's dependencies (enabled charts, import
// values) as the Helm release the options ask for does: today's Helm
// (fastdeps.go), or Helm v3.6.3's ProcessDependencies (helm36), whose value
// coalescing shares the charts' own values tables where today's copies them.
func (h *Helm) processDependenciesAs(ch *chart.Chart, vals map[string]any) error {
	if h.Opts.HelmCompat == "3.6" {
		return helm36.ProcessDependencies(ch, vals)
	}
	return processDependencies(ch, vals)
}

// toRenderValuesAs is ToRenderValues of the Helm release the options ask
// for: today's (fastdeps.go) or Helm v3.6.3's (helm36).
func (h *Helm) toRenderValuesAs(ch *chart.Chart, vals map[string]any, opts chartutil.ReleaseOptions, caps *chartutil.Capabilities) (chartutil.Values, error) {
	if h.Opts.HelmCompat == "3.6" {
		return helm36.ToRenderValues(ch, vals, opts, caps)
	}
	return toRenderValues(ch, vals, opts, caps)
}

// HelmCompatValue binds --helm-compat (a pflag.Value): a release meshready
// does not reproduce is refused when the flag is parsed, naming the known.
type HelmCompatValue struct{ P *string }

func (v HelmCompatValue) String() string {
	if v.P == nil {
		return ""
	}
	return *v.P
}

func (v HelmCompatValue) Set(s string) error {
	if err := CheckHelmCompat(s); err != nil {
		return err
	}
	*v.P = s
	return nil
}

func (HelmCompatValue) Type() string { return "release" }
