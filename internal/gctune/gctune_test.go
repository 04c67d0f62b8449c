package gctune

import (
	"math"
	"runtime/debug"
	"testing"
)

func TestTune(t *testing.T) {
	percent0 := debug.SetGCPercent(100)
	limit0 := debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() {
		debug.SetGCPercent(percent0)
		debug.SetMemoryLimit(limit0)
	})
	cases := []struct {
		name              string
		gogcSet, limitSet bool
		userLimit         int64 // the limit the environment set, when limitSet
		wantPercent       int
		wantLimit         int64
	}{
		{"nothing set: collect only at our limit", false, false, 0, -1, memoryLimit},
		{"user limit: collect only at it", false, true, 1 << 30, -1, 1 << 30},
		{"user limit off: GOGC cannot be off", false, true, math.MaxInt64, fallbackPercent, math.MaxInt64},
		{"user GOGC kept, our limit", true, false, 0, 100, memoryLimit},
		{"both set: untouched", true, true, 1 << 29, 100, 1 << 29},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			debug.SetGCPercent(100) // as the runtime would have read a user's GOGC=100
			debug.SetMemoryLimit(math.MaxInt64)
			if c.limitSet {
				debug.SetMemoryLimit(c.userLimit)
			}
			tune(c.gogcSet, c.limitSet)
			if got := debug.SetGCPercent(100); got != c.wantPercent {
				t.Errorf("GC percent = %d, want %d", got, c.wantPercent)
			}
			if got := debug.SetMemoryLimit(-1); got != c.wantLimit {
				t.Errorf("memory limit = %d, want %d", got, c.wantLimit)
			}
		})
	}
}
