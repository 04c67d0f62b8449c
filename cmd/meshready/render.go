package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/meshready/meshready/internal/action"
)

func newRenderCmd() *cobra.Command {
	a := action.NewRender()
	cmd := &cobra.Command{
		Use:   "render CHART|ROOT",
		Short: "Render a chart from the source tree exactly as `helm template` would",
		Long: `Render a chart straight from an OOM source tree, resolving '@local' and
file:// dependencies offline, and print the stream exactly as
'helm template RELEASE CHART' prints it for the vendored chart.

Given an OOM kubernetes/ root, render every top-level chart (in parallel)
and print their streams one after the other, in chart order.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return a.Run(cmd.Context(), streams(cmd), args[0]) },
	}
	addRenderFlags(cmd.Flags(), &a.Options)
	cmd.Flags().IntVar(&a.Workers, "workers", 0, "charts rendered in parallel for a root (default: number of CPUs)")
	return cmd
}

func newDepsCmd() *cobra.Command {
	a := action.NewDeps()
	cmd := &cobra.Command{
		Use:   "deps CHART --vendor DIR",
		Short: "Write a chart with its resolved dependency tree, for plain `helm template`",
		Long: `Resolve a chart's '@local' and file:// dependencies from the source tree and
write the chart to DIR/<name> with every dependency packaged under charts/,
so that 'helm template' renders it offline. This replaces OOM's make and
chart museum.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return a.Run(cmd.Context(), streams(cmd), args[0]) },
	}
	fs := cmd.Flags()
	fs.StringVar(&a.Vendor, "vendor", "", "folder to write the vendored chart into (as DIR/<chart name>)")
	fs.StringArrayVar(&a.Options.ChartPaths, "chart-path", nil, "search root for '@local' dependencies (repeatable)")
	fs.BoolVar(&a.Options.AllowOutsideRoot, "allow-outside-root", false, "allow file:// dependencies that leave the chart's tree")
	fs.BoolVar(&a.Options.Fetch, "fetch", false, "download dependencies from chart repositories that Helm's repository cache lacks into it (as for render)")
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
