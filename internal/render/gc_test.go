package render_test

import (
	"os"
	"runtime/debug"
	"strconv"
	"testing"
)

// testGCPercent paces the collector of this test binary and, through
// GOGC, of the helm CLIs it runs as references (Go programs too). Our
// renders of the OOM trees spend most of their time in the charts' sprig
// deepCopy (copystructure) and derivePassword, and the collector's share
// of it falls with a larger target. Measured, user+sys CPU seconds
// (children included): TestLintModeRendersWhatHelmRenders/jakarta 27.9 at
// GOGC 100, 21.8 at 400; TestOOMParity 130.3 at 100, 108.0 with GOGC=400
// in the environment (the helm CLI's share). Only the pacing changes,
// never what a render or a reference computes. Helm's dependency
// processing in the fastdeps tests runs at referenceGCPercent.
const testGCPercent = 400

func TestMain(m *testing.M) {
	if os.Getenv("GOGC") == "" { // an explicit GOGC wins
		debug.SetGCPercent(testGCPercent)
		os.Setenv("GOGC", strconv.Itoa(testGCPercent)) // for the helm CLIs
	}
	os.Exit(m.Run())
}
