package render

import (
	"context"

	"helm.sh/helm/v3/pkg/chart"
)

// RenderChartWithin is RenderChart under the time limit Render applies
// (Options.Timeout, the --timeout flag), for callers that render a loaded
// chart with values of their own (the fixer's sentinel renders).
func (h *Helm) RenderChartWithin(ctx context.Context, ch *chart.Chart, vals map[string]any) (string, error) {
	var manifest string
	err := h.withTimeout(ctx, func() error {
		var err error
		manifest, err = h.RenderChart(ctx, ch, vals)
		return err
	})
	return manifest, err
}
