package main

import (
	"github.com/spf13/cobra"

	"github.com/meshready/meshready/internal/action"
)

// profileFlags adds --cpuprofile and --memprofile to every command.
func profileFlags(root *cobra.Command) {
	p := &action.Profile{}
	root.PersistentFlags().StringVar(&p.CPU, "cpuprofile", "", "write a CPU profile (pprof) to this file")
	root.PersistentFlags().StringVar(&p.Mem, "memprofile", "", "write a heap profile (pprof) to this file at exit")
	_ = root.PersistentFlags().MarkHidden("cpuprofile")
	_ = root.PersistentFlags().MarkHidden("memprofile")
	root.PersistentPreRunE = func(*cobra.Command, []string) error { return p.Start() }
	onExit = p.Stop
}

// onExit runs before main exits, also when a command fails.
var onExit = func() {}
