// Package gctune sets the garbage collector for a short-lived batch process.
// Import it for its side effect, first thing in main's imports; its init
// runs before the heavy package inits of Helm's and OPA's dependencies.
//
// meshready allocates a great deal (Helm's engine, YAML parsing and OPA
// all build many small values) and keeps little: a casablanca lint
// allocates ~250 MiB with a live heap near 30 MiB. Any collection before
// the process exits is work thrown away, and the write barriers of a
// running mark slow every goroutine. So the collector runs only when the
// heap reaches a soft limit (GOGC=off under GOMEMLIMIT): most runs never
// collect, and the largest (jakarta, the all-components umbrella) collect
// as often as the limit requires. 280 MiB of Go memory keeps the peak RSS
// of those near 355 MiB, under their 400 MiB budget (the binary's own
// mapped pages are another ~70 MiB).
//
// GOGC and GOMEMLIMIT in the environment win. Without any memory limit in
// effect the collector cannot be off, so GOGC falls back to a high 800.
package gctune

import (
	"math"
	"os"
	"runtime/debug"
)

const (
	memoryLimit     = 280 << 20
	fallbackPercent = 800
)

func init() { tune(os.Getenv("GOGC") != "", os.Getenv("GOMEMLIMIT") != "") }

// tune applies the defaults the environment leaves open.
func tune(gogcSet, limitSet bool) {
	if !limitSet {
		debug.SetMemoryLimit(memoryLimit)
	}
	if gogcSet {
		return
	}
	if debug.SetMemoryLimit(-1) == math.MaxInt64 { // no limit: off would never collect
		debug.SetGCPercent(fallbackPercent)
		return
	}
	debug.SetGCPercent(-1)
}
