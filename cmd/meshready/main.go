// Command meshready renders ONAP OOM Helm charts offline, lints them for
// Istio service-mesh readiness with Rego policies, and makes them ready.
package main

import (
	"errors"
	"fmt"
	"github.com/meshready/meshready/internal/textsafe"
	"os"

	// First: sets the garbage collector before the heavy package inits.
	_ "github.com/meshready/meshready/internal/gctune"
)

// Exit codes, the same for every command and format.
const (
	exitOK       = 0 // nothing at or above --fail-on
	exitFindings = 1 // findings at or above --fail-on
	exitError    = 2 // usage, render or configuration errors
)

// exitErr carries an exit code up to main; msg may be empty when the
// command already reported everything.
type exitErr struct {
	code int
	err  error
}

func (e *exitErr) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}
func (e *exitErr) Unwrap() error { return e.err }

func withCode(code int, err error) error { return &exitErr{code: code, err: err} }

func main() {
	os.Exit(run(os.Args[1:]))
}

// run executes the CLI and maps errors to exit codes. Panics become a
// one-line internal error with exit code 2, never a Go stack.
func run(args []string) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(os.Stderr, "meshready: internal error: %s\n", textsafe.Line(fmt.Sprint(r)))
			code = exitError
		}
	}()
	cmd := newRootCmd()
	cmd.SetArgs(args)
	err := cmd.Execute()
	onExit()
	if err == nil {
		return exitOK
	}
	var ee *exitErr
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(os.Stderr, "meshready: %s\n", textsafe.Line(ee.err.Error()))
		}
		return ee.code
	}
	fmt.Fprintf(os.Stderr, "meshready: %s\n", textsafe.Line(err.Error()))
	return exitError
}
