package main

import (
	"os"
	"runtime/debug"
)

// meshready is a short-lived batch process that allocates a great deal
// (Helm's engine and OPA both build many small values) and keeps little:
// with Go's default GOGC=100 the collector runs a fifth of the CPU of a
// tree lint. A high GOGC lets small runs finish before the collector has
// much to do; the soft memory limit makes it collect once the heap nears
// 250 MiB, which keeps the peak RSS of the largest runs (jakarta, the
// all-components umbrella) near 330 MiB, under the 400 MiB budget.
// GOGC and GOMEMLIMIT in the environment win over these defaults.
const (
	defaultGCPercent   = 800
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
