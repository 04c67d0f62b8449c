package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/meshready/meshready/internal/charttree"
	"github.com/meshready/meshready/internal/render"
)

func newRenderCmd() *cobra.Command {
	opts := render.DefaultOptions()
	cmd := &cobra.Command{
		Use:   "render CHART",
		Short: "Render a chart from the source tree exactly as `helm template` would",
		Long: `Render a chart straight from an OOM source tree, resolving '@local' and
file:// dependencies offline, and print the stream exactly as
'helm template RELEASE CHART' prints it for the vendored chart.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			h := render.NewHelm(opts)
			res, err := h.Render(cmd.Context(), args[0])
			if err != nil {
				return withCode(exitError, err)
			}
			fmt.Fprint(cmd.OutOrStdout(), res.Manifest)
			return nil
		},
	}
	addRenderFlags(cmd.Flags(), &opts)
	return cmd
}

func newDepsCmd() *cobra.Command {
	opts := render.DefaultOptions()
	var vendor string
	cmd := &cobra.Command{
		Use:   "deps CHART --vendor DIR",
		Short: "Write a chart with its resolved dependency tree, for plain `helm template`",
		Long: `Resolve a chart's '@local' and file:// dependencies from the source tree and
write the chart to DIR/<name> with every dependency packaged under charts/,
so that 'helm template' renders it offline. This replaces OOM's make and
chart museum.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if vendor == "" {
				return withCode(exitError, fmt.Errorf("deps: --vendor DIR is required"))
			}
			h := render.NewHelm(opts)
			ch, _, _, err := h.Load(args[0])
			if err != nil {
				return withCode(exitError, err)
			}
			out, err := charttree.Vendor(ch, vendor)
			if err != nil {
				return withCode(exitError, err)
			}
			fmt.Fprintln(cmd.OutOrStdout(), out)
			return nil
		},
	}
	cmd.Flags().StringVar(&vendor, "vendor", "", "folder to write the vendored chart into (as DIR/<chart name>)")
	cmd.Flags().StringArrayVar(&opts.ChartPaths, "chart-path", nil, "search root for '@local' dependencies (repeatable)")
	cmd.Flags().BoolVar(&opts.AllowOutsideRoot, "allow-outside-root", false, "allow file:// dependencies that leave the chart's tree")
	return cmd
}

// exactArgs is cobra.ExactArgs with a usage exit code.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.ExactArgs(n)(cmd, args); err != nil {
			return withCode(exitError, fmt.Errorf("%s: %w", cmd.Name(), err))
		}
		return nil
	}
}
