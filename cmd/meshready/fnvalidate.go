package main

import (
	"context"

	"github.com/meshready/meshready/internal/lint"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/rules"
	"github.com/meshready/meshready/transform/krmfn"
)

// The KRM function validates its output with the same built-in rules as lint.
func init() {
	newFnValidator = func() (krmfn.Validator, error) {
		eng, err := rules.NewDefault(context.Background())
		if err != nil {
			return nil, err
		}
		l := lint.New(eng, lint.Options{
			Render:   render.DefaultOptions(),
			Settings: rules.Settings{Namespace: "onap", TraceFormat: "b3"},
		})
		return lint.Validator{Linter: l}, nil
	}
}
