package main

import (
	"os"
	"runtime/debug"
)

// meshready is a short-lived batch process that allocates a great deal
// (Helm's engine and OPA both build many small values) and keeps little:
// with Go's default GOGC=100 the collector runs a fifth of the CPU of a
// tree lint. A higher GOGC under a soft memory limit trades that for memory
// the process would otherwise hand back moments later, and keeps the peak
// RSS of the largest case (the all-components umbrella) under 400 MiB.
// GOGC and GOMEMLIMIT in the environment win over these defaults.
const (
	defaultGCPercent   = 400
	defaultMemoryLimit = 250 << 20
)

func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
}
