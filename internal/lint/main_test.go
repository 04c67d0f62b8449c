package lint_test

import (
	"os"
	"testing"

	"github.com/meshready/meshready/internal/testutil"
)

// TestMain paces the collector for the OOM-tree renders (testutil.PaceGC).
func TestMain(m *testing.M) {
	testutil.PaceGC()
	os.Exit(m.Run())
}
