package rules

import (
	"context"

	"github.com/meshready/meshready/policies"
)

// Builtin is the rule source of the embedded policies.
func Builtin() Source { return FSSource{Label: "builtin", FS: policies.FS, Prefix: "builtin:"} }

// NewDefault compiles the built-in rules plus the given policy folders.
func NewDefault(ctx context.Context, policyDirs ...string) (*Engine, error) {
	return NewPolicies(ctx, false, policyDirs...)
}

// NewPolicies is NewDefault with the folders' files allowed to be symlinks
// leaving their folder when allowOutside (--allow-outside-root).
func NewPolicies(ctx context.Context, allowOutside bool, policyDirs ...string) (*Engine, error) {
	src := []Source{Builtin()}
	for _, d := range policyDirs {
		src = append(src, DirSource{Dir: d, AllowOutside: allowOutside})
	}
	return New(ctx, src...)
}
