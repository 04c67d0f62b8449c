package main

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/meshready/meshready/internal/memguard"
)

// memoryFlags adds --max-memory to every command and starts the memory
// watchdog (internal/memguard) before the command runs: a run that passes
// the ceiling, or whose stacks pass memguard.StackLimit, ends in one line
// naming the charts in flight and exit code 2.
func memoryFlags(root *cobra.Command) {
	var limit string
	root.PersistentFlags().StringVar(&limit, "max-memory", "", "memory ceiling for the run, e.g. 2GiB (default: $"+memguard.EnvVar+", else 2GiB)")
	prev := root.PersistentPreRunE
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error {
		n, err := memguard.Limit(limit)
		if err != nil {
			return withCode(exitError, err)
		}
		memguard.Start(n, os.Stderr)
		if prev != nil {
			return prev(cmd, args)
		}
		return nil
	}
}
