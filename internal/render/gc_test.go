package render_test

import (
	"os"
	"runtime/debug"
	"testing"
)

// testGCPercent paces the collector of this test binary. Our renders of
// the OOM trees spend most of their time in the charts' sprig deepCopy
// (copystructure) and derivePassword, and the collector's share of it
// falls with a larger target. Measured, user+sys CPU seconds of
// TestLintModeRendersWhatHelmRenders/jakarta: 27.4 at GOGC 100, 22.2 at
// 400. Only the pacing changes, never what a render or a reference
// computes; the helm CLIs the tests run are other processes and keep
// their own. Helm's dependency processing in the fastdeps tests runs at
// referenceGCPercent.
const testGCPercent = 400

func TestMain(m *testing.M) {
	if os.Getenv("GOGC") == "" { // an explicit GOGC wins
		debug.SetGCPercent(testGCPercent)
	}
	os.Exit(m.Run())
}
