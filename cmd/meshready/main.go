// Command meshready renders ONAP OOM Helm charts offline, lints them for
// Istio service-mesh readiness with Rego policies, and makes them ready.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/meshready/meshready/internal/action"
	"github.com/meshready/meshready/internal/textsafe"

	// First: sets the garbage collector before the heavy package inits.
	_ "github.com/meshready/meshready/internal/gctune"
)

// Exit codes, the same for every command and format (internal/action).
const (
	exitOK       = action.ExitOK       // nothing at or above --fail-on
	exitFindings = action.ExitFindings // findings at or above --fail-on
	exitError    = action.ExitError    // usage, render or configuration errors
)

// withCode carries an exit code up to main; err may be nil when the
// command already reported everything.
func withCode(code int, err error) error { return &action.Error{Code: code, Err: err} }

// streams are the command's stdin, stdout and stderr for an action.
func streams(cmd *cobra.Command) action.IO {
	return action.IO{In: cmd.InOrStdin(), Out: cmd.OutOrStdout(), Err: cmd.ErrOrStderr()}
}

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
	var ee *action.Error
	if errors.As(err, &ee) {
		if ee.Err != nil {
			fmt.Fprintf(os.Stderr, "meshready: %s\n", textsafe.Line(ee.Err.Error()))
		}
		return ee.Code
	}
	fmt.Fprintf(os.Stderr, "meshready: %s\n", textsafe.Line(err.Error()))
	return exitError
}
