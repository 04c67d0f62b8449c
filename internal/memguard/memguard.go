// Package memguard is meshready's process-wide memory ceiling and stack cap.
//
// Go has no recoverable out-of-memory: a chart that loops `until 100000000`,
// a policy that builds a string of gigabytes or a `tpl` that recurses through
// values ends in the runtime's fatal error and a goroutine dump of kilobytes,
// and the other charts of the run go unreported. debug.SetMemoryLimit is a
// target for the collector, not a ceiling. So a watchdog samples the heap and
// the goroutine stacks (runtime/metrics) every few milliseconds, and when
// either passes its ceiling it prints one line naming what the process was
// doing (the charts being rendered, the charts whose policies were being
// evaluated) and exits with code 2 before the runtime dies.
package memguard

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultLimit is the memory ceiling when neither --max-memory nor
// MESHREADY_MAX_MEMORY sets one: 2 GiB of Go heap.
const DefaultLimit = 2 << 30

// EnvVar overrides DefaultLimit (the flag wins over it).
const EnvVar = "MESHREADY_MAX_MEMORY"

// StackLimit bounds the memory of all goroutine stacks. A template or tpl
// recursion grows one goroutine's stack until Go's 1 GB maximum kills the
// process; OOM charts' deepest includes use well under 1 MiB.
const StackLimit = 64 << 20

// interval is how often the watchdog samples.
const interval = 10 * time.Millisecond

var (
	mu     sync.Mutex
	doing  = map[int]string{}
	nextID int
)

// Doing records an activity ("rendering chart so", "evaluating the policies
// on chart so") until done is called; a ceiling hit names every activity
// in flight.
func Doing(what string) (done func()) {
	mu.Lock()
	nextID++
	id := nextID
	doing[id] = what
	mu.Unlock()
	return func() {
		mu.Lock()
		delete(doing, id)
		mu.Unlock()
	}
}

func activities() string {
	mu.Lock()
	defer mu.Unlock()
	l := make([]string, 0, len(doing))
	for _, w := range doing {
		l = append(l, w)
	}
	if len(l) == 0 {
		return "starting or reporting"
	}
	sort.Strings(l)
	return strings.Join(l, ", ")
}

// ParseSize reads a size: bytes, or with a KiB/MiB/GiB (or K/M/G) suffix.
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range []struct {
		suf string
		m   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}} {
		if strings.HasSuffix(t, u.suf) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suf)), u.m
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || n > (1<<50)/mult {
		return 0, fmt.Errorf("%q is not a size (e.g. 2GiB, 512MiB)", s)
	}
	return n * mult, nil
}

// Limit is the ceiling for a run: flag ("" = unset), else the environment,
// else DefaultLimit.
func Limit(flag string) (int64, error) {
	if flag != "" {
		n, err := ParseSize(flag)
		if err != nil {
			return 0, fmt.Errorf("--max-memory: %w", err)
		}
		return n, nil
	}
	if env := os.Getenv(EnvVar); env != "" {
		n, err := ParseSize(env)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", EnvVar, err)
		}
		return n, nil
	}
	return DefaultLimit, nil
}

// Guard is a running watchdog.
type Guard struct {
	stop chan struct{}
	once sync.Once
}

// exit ends the process; tests replace it.
var exit = os.Exit

// Start runs the watchdog with a heap ceiling of limit bytes, reporting on w.
func Start(limit int64, w io.Writer) *Guard {
	// A backstop under the watchdog: a stack past twice the cap is Go's
	// fatal error rather than a machine out of memory.
	debug.SetMaxStack(2 * StackLimit)
	g := &Guard{stop: make(chan struct{})}
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/stacks:bytes"}}
	go func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-g.stop:
				return
			case <-t.C:
			}
			if msg := check(samples, limit); msg != "" {
				fmt.Fprintln(w, msg)
				exit(2)
				return
			}
		}
	}()
	return g
}

// check samples the heap and stacks; it returns the line to print when a
// ceiling is passed.
func check(samples []metrics.Sample, limit int64) string {
	metrics.Read(samples)
	heap, stacks := int64(samples[0].Value.Uint64()), int64(samples[1].Value.Uint64())
	if stacks > StackLimit {
		return fmt.Sprintf("meshready: stack memory passed %d MiB while %s: a template (include or tpl) or a policy recurses without end", StackLimit>>20, activities())
	}
	if heap > limit {
		// The heap counts garbage not yet collected: collect once to be sure.
		runtime.GC()
		metrics.Read(samples)
		if heap = int64(samples[0].Value.Uint64()); heap > limit {
			return fmt.Sprintf("meshready: memory ceiling of %d MiB passed while %s (raise it with --max-memory or %s if the input is just large)", limit>>20, activities(), EnvVar)
		}
	}
	return ""
}

// Stop ends the watchdog.
func (g *Guard) Stop() {
	if g != nil {
		g.once.Do(func() { close(g.stop) })
	}
}
