package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"

	"github.com/spf13/cobra"
)

// profileFlags adds --cpuprofile and --memprofile to every command, so
// performance work starts from a pprof profile rather than a guess.
func profileFlags(root *cobra.Command) {
	var cpu, mem string
	var cpuFile *os.File
	root.PersistentFlags().StringVar(&cpu, "cpuprofile", "", "write a CPU profile (pprof) to this file")
	root.PersistentFlags().StringVar(&mem, "memprofile", "", "write a heap profile (pprof) to this file at exit")
	_ = root.PersistentFlags().MarkHidden("cpuprofile")
	_ = root.PersistentFlags().MarkHidden("memprofile")
	root.PersistentPreRunE = func(*cobra.Command, []string) error {
		if cpu == "" {
			return nil
		}
		f, err := os.Create(cpu)
		if err != nil {
			return withCode(exitError, fmt.Errorf("--cpuprofile: %w", err))
		}
		cpuFile = f
		return pprof.StartCPUProfile(f)
	}
	root.PersistentPostRun = func(*cobra.Command, []string) { stopProfiles(cpuFile, mem) }
	onExit = func() { stopProfiles(cpuFile, mem) }
}

// onExit runs before main exits, also when a command fails.
var onExit = func() {}

func stopProfiles(cpuFile *os.File, mem string) {
	if cpuFile != nil {
		pprof.StopCPUProfile()
		cpuFile.Close()
	}
	if mem != "" {
		if f, err := os.Create(mem); err == nil {
			runtime.GC()
			_ = pprof.WriteHeapProfile(f)
			f.Close()
		}
	}
}
