package main

import (
	"fmt"
	"github.com/meshready/meshready/internal/memguard"
	"github.com/meshready/meshready/internal/textsafe"
	"os"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/meshready/meshready/internal/charttree"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/workpool"
)

func newRenderCmd() *cobra.Command {
	opts := render.DefaultOptions()
	var workers int
	cmd := &cobra.Command{
		Use:   "render CHART|ROOT",
		Short: "Render a chart from the source tree exactly as `helm template` would",
		Long: `Render a chart straight from an OOM source tree, resolving '@local' and
file:// dependencies offline, and print the stream exactly as
'helm template RELEASE CHART' prints it for the vendored chart.

Given an OOM kubernetes/ root, render every top-level chart (in parallel)
and print their streams one after the other, in chart order.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			targets, err := render.Expand(args)
			if err != nil {
				return withCode(exitError, err)
			}
			h := render.NewHelm(opts)
			results := make([]*render.Result, len(targets))
			errs := make([]error, len(targets))
			var spent atomic.Int64
			workpool.RunLargestFirst(h.Costs(targets), workers, func(i int) {
				start := time.Now()
				done := memguard.Doing("rendering chart " + targets[i].Name())
				results[i], errs[i] = h.Render(cmd.Context(), targets[i].Path)
				done()
				spent.Add(int64(time.Since(start)))
			})
			if os.Getenv("MESHREADY_TIMINGS") != "" {
				// for make bench: the render time lint's own cost is compared with
				fmt.Fprintf(cmd.ErrOrStderr(), "timings: render %.2fs\n", time.Duration(spent.Load()).Seconds())
			}
			failed := 0
			for i, res := range results {
				if errs[i] != nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "meshready: %s\n", textsafe.Line(errs[i].Error()))
					failed++
					continue
				}
				fmt.Fprint(cmd.OutOrStdout(), res.Manifest)
			}
			if failed > 0 {
				return withCode(exitError, nil)
			}
			return nil
		},
	}
	addRenderFlags(cmd.Flags(), &opts)
	cmd.Flags().IntVar(&workers, "workers", 0, "charts rendered in parallel for a root (default: number of CPUs)")
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
	cmd.Flags().BoolVar(&opts.Fetch, "fetch", false, "download dependencies from chart repositories that Helm's repository cache lacks into it (as for render)")
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
