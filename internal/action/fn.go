package action

import (
	"context"

	"github.com/meshready/meshready/internal/config"
	"github.com/meshready/meshready/internal/lint"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/rules"
	"github.com/meshready/meshready/transform/krmfn"
)

// Fn is `meshready fn`: the KRM function, over a ResourceList on stdin or
// manifest files.
type Fn struct {
	ConfigFile string
	// Validator supplies the rules that validate the output (FnValidator
	// for lint's built-in rules); nil runs the function without validation.
	Validator func(context.Context) (krmfn.Validator, error)
}

// NewFn is a fn validated by lint's built-in rules.
func NewFn() *Fn { return &Fn{Validator: FnValidator} }

// Run runs the function over files (none: stdin).
func (a *Fn) Run(ctx context.Context, s IO, files []string) error {
	o := krmfn.Options{Stdin: s.In, Stdout: s.Out, Stderr: s.Err, ConfigFile: a.ConfigFile, Files: files, Context: ctx}
	if a.Validator != nil {
		v, err := a.Validator(ctx)
		if err != nil {
			return failed(err)
		}
		o.Validator = v
	}
	return Exit(krmfn.Run(o), nil)
}

// FnValidator validates the function's output with lint's built-in rules,
// under the settings of an empty configuration (RuleSettings) and OOM's
// release namespace.
func FnValidator(ctx context.Context) (krmfn.Validator, error) {
	eng, err := rules.NewDefault(ctx)
	if err != nil {
		return nil, err
	}
	ro := render.DefaultOptions()
	cfg := &config.Config{}
	l := lint.New(eng, lint.Options{Render: ro, Config: cfg, Settings: RuleSettings(cfg, ro.Namespace)})
	return lint.Validator{Linter: l}, nil
}
