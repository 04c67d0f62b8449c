package rules

import (
	"context"
	"time"
)

// Pending is an engine compiling in the background. Compiling the policies
// takes tens of milliseconds, as long as rendering a small chart: a lint run
// renders its first charts meanwhile and waits only to evaluate them.
type Pending struct {
	done chan struct{}
	e    *Engine
	err  error
}

// Start compiles the built-in rules plus the given policy folders in the
// background (see NewDefault), with timeout bounding one chart's evaluation
// (0: DefaultTimeout); allowOutside is NewPolicies'.
func Start(ctx context.Context, timeout time.Duration, allowOutside bool, policyDirs ...string) *Pending {
	p := &Pending{done: make(chan struct{})}
	go func() {
		defer close(p.done)
		p.e, p.err = NewPolicies(ctx, allowOutside, policyDirs...)
		if p.err == nil && timeout > 0 {
			p.e.Timeout = timeout
		}
	}()
	return p
}

// Ready wraps an engine already compiled.
func Ready(e *Engine) *Pending {
	p := &Pending{done: make(chan struct{}), e: e}
	close(p.done)
	return p
}

// Failed says, without waiting, that compiling has ended in an error.
func (p *Pending) Failed() bool {
	select {
	case <-p.done:
		return p.err != nil
	default:
		return false
	}
}

// Wait returns the engine, or the error that kept it from compiling.
func (p *Pending) Wait() (*Engine, error) {
	<-p.done
	return p.e, p.err
}
