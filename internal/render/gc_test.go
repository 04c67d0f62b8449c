package render_test

import (
	"os"
	"strconv"
	"testing"

	"github.com/meshready/meshready/internal/testutil"
)

// TestMain paces the collector (testutil.PaceGC) of this test binary and,
// through GOGC, of the helm CLIs it runs as references (Go programs too;
// their output does not depend on it): TestOOMParity 130.3 -> 108.0
// user+sys CPU seconds, children included, with GOGC=400 in their
// environment. Helm's dependency processing in the fastdeps tests runs at
// referenceGCPercent.
//
// parallelOOMTests: the whole-tree comparisons (TestHonoluluAsHelm36RendersIt,
// TestProcessDependenciesMatchesHelm, TestProcessDependenciesRenderSame,
// TestOOMParity, TestLintModeRendersWhatHelmRenders,
// TestCasablancaAsOOMBuildsIt) call t.Parallel: this package is the
// longest of `make test` (which starts it first), and run one after the
// other they kept one core busy for minutes after every other package had
// finished. They share our renders through renderOnce (one per chart and
// options, whichever test asks first) and the process-wide settings
// through holdGlobal.
func TestMain(m *testing.M) {
	if testutil.PaceGC() {
		os.Setenv("GOGC", strconv.Itoa(testutil.GCPercent)) // for the helm CLIs
	}
	os.Exit(m.Run())
}
