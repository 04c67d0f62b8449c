package testutil

import (
	"os"
	"runtime/debug"
)

// GCPercent paces the collector of the test binaries that render the OOM
// trees (PaceGC, from their TestMain). Those renders spend most of their
// time in the charts' sprig deepCopy (copystructure) and, in Helm's
// reference paths, in copying values; a larger target leaves the
// collector a smaller share. Measured, user+sys CPU seconds:
// render's TestLintModeRendersWhatHelmRenders/jakarta 27.9 at GOGC 100,
// 21.8 at 400; lint's TestFastPathFindingsIdentical/jakarta 27.3 at 100,
// 23.1 at 400 (peak RSS 0.3 -> 0.7 GB). Only the pacing changes, never what
// a render, a lint or a reference computes.
const GCPercent = 400

// PaceGC sets GCPercent for this test process unless GOGC is set (an
// explicit GOGC wins). It reports whether it did.
func PaceGC() bool {
	if os.Getenv("GOGC") != "" {
		return false
	}
	debug.SetGCPercent(GCPercent)
	return true
}
