package action

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// Profile writes pprof profiles of a run (--cpuprofile, --memprofile), so
// performance work starts from a profile rather than a guess.
type Profile struct {
	CPU, Mem string
	cpu      *os.File
}

// Start begins the CPU profile, when one is asked for.
func (p *Profile) Start() error {
	if p.CPU == "" {
		return nil
	}
	f, err := os.Create(p.CPU)
	if err != nil {
		return failed(fmt.Errorf("--cpuprofile: %w", err))
	}
	p.cpu = f
	return pprof.StartCPUProfile(f)
}

// Stop ends the CPU profile and writes the heap profile; it runs before
// the process exits, also when the command failed, and is safe to call twice.
func (p *Profile) Stop() {
	if p.cpu != nil {
		pprof.StopCPUProfile()
		p.cpu.Close()
		p.cpu = nil
	}
	if p.Mem != "" {
		if f, err := os.Create(p.Mem); err == nil {
			runtime.GC()
			_ = pprof.WriteHeapProfile(f)
			f.Close()
		}
	}
}
