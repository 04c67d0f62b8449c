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
func TestMain(m *testing.M) {
	if testutil.PaceGC() {
		os.Setenv("GOGC", strconv.Itoa(testutil.GCPercent)) // for the helm CLIs
	}
	os.Exit(m.Run())
}
