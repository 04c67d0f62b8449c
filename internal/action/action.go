// Package action holds what each meshready command does, apart from its
// command line: one struct per command whose fields cmd/meshready binds
// flags into, and a Run method, as Helm's pkg/action does (action.Lint,
// action.Install). The actions know nothing of cobra; they read and write
// through IO and report the exit status through *Error.
package action

import (
	"errors"
	"io"
	"log"
	"sync"
)

// Exit statuses, the same for every command and format.
const (
	ExitOK       = 0 // nothing at or above --fail-on
	ExitFindings = 1 // findings at or above --fail-on
	ExitError    = 2 // usage, render or configuration errors
)

// Error is a failed run with its exit status. Err may be nil when the
// action has already said everything on stderr.
type Error struct {
	Code int
	Err  error
}

func (e *Error) Error() string {
	if e.Err == nil {
		return ""
	}
	return e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// Exit wraps err with an exit status; Exit(ExitOK, nil) is nil.
func Exit(code int, err error) error {
	if code == ExitOK && err == nil {
		return nil
	}
	if code == ExitOK {
		code = ExitError
	}
	return &Error{Code: code, Err: err}
}

// Code is the exit status a Run's error asks for: 0 for nil, the Error's
// code, else ExitError.
func Code(err error) int {
	if err == nil {
		return ExitOK
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ExitError
}

// failed is a usage, configuration or render error (exit status 2).
func failed(err error) error { return Exit(ExitError, err) }

// IO are the streams a run reads and writes.
type IO struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

var quietOnce sync.Once

// quietHelm silences the standard logger, once per process: Helm v3.22.0
// logs value-coalescing warnings through it (pkg/chartutil/coalesce.go
// passes log.Printf; dependencies.go calls it). The helm CLI prints them;
// in a report they are noise.
func quietHelm() { quietOnce.Do(func() { log.SetOutput(io.Discard) }) }
