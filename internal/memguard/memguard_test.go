package memguard

import (
	"runtime/metrics"
	"strings"
	"testing"
)

func TestParseSize(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		err  bool
	}{
		{"2GiB", 2 << 30, false}, {"512MiB", 512 << 20, false}, {"100K", 100 << 10, false}, {"4096", 4096, false},
		{"", 0, true}, {"-1G", 0, true}, {"lots", 0, true}, {"0", 0, true}, {"99999999999G", 0, true},
	} {
		got, err := ParseSize(c.in)
		if (err != nil) != c.err || got != c.want {
			t.Errorf("ParseSize(%q) = %d, %v", c.in, got, err)
		}
	}
}

func TestLimitPrecedence(t *testing.T) {
	t.Setenv(EnvVar, "")
	if n, _ := Limit(""); n != DefaultLimit {
		t.Errorf("default %d", n)
	}
	t.Setenv(EnvVar, "1GiB")
	if n, _ := Limit(""); n != 1<<30 {
		t.Errorf("env %d", n)
	}
	if n, _ := Limit("300MiB"); n != 300<<20 {
		t.Errorf("flag %d", n)
	}
	if _, err := Limit("x"); err == nil || !strings.Contains(err.Error(), "--max-memory") {
		t.Errorf("bad flag: %v", err)
	}
}

// TestCheckNamesActivity: past the ceiling, the line names what was running.
func TestCheckNamesActivity(t *testing.T) {
	done := Doing("rendering chart big")
	defer done()
	keep := make([]byte, 64<<20)
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/stacks:bytes"}}
	msg := check(samples, 32<<20)
	if !strings.Contains(msg, "memory ceiling of 32 MiB passed while rendering chart big") || strings.Contains(msg, "\n") {
		t.Errorf("message %q", msg)
	}
	if msg := check(samples, 1<<40); msg != "" {
		t.Errorf("under the ceiling: %q", msg)
	}
	keep[0] = 1
}
