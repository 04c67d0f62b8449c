// Package krmfn is meshready's KRM function: it reads a ResourceList (or a
// plain manifest stream), makes workloads mesh-ready (sidecar injection,
// protocol-named Service ports, Istio mTLS and authorization resources) and
// reports lint findings as results. It edits kyaml's node trees in place, so
// comments, key order and quoting of untouched content survive.
package krmfn

import (
	"context"
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/meshready/meshready/internal/mesh"
)

// Exit codes of a run, as the meshready CLI uses them.
const (
	ExitOK       = 0
	ExitFailOn   = 1 // validation findings at or above failOn
	ExitBadInput = 2 // bad functionConfig or input
)

// Processor is the function as a kyaml framework.ResourceListProcessor.
type Processor struct {
	// Validator runs the lint rules; nil skips validation.
	Validator Validator
	// Context bounds validation (Process has no context parameter).
	Context context.Context
	// ConfigFile names the functionConfig's file in results.
	ConfigFile string
}

// Failure is the error Process returns when the run must exit non-zero;
// the results in the ResourceList say why.
type Failure struct {
	Code    int
	Message string
	// Results are the results that caused the failure.
	Results framework.Results
}

func (f *Failure) Error() string { return f.Message }

// ExitCode is the process exit code for the failure.
func (f *Failure) ExitCode() int { return f.Code }

// Process implements framework.ResourceListProcessor.
func (p *Processor) Process(rl *framework.ResourceList) error {
	spec, cerrs := ParseConfig(rl.FunctionConfig)
	if len(cerrs) > 0 {
		ref, file := p.configRef(rl.FunctionConfig)
		for _, e := range cerrs {
			r := &framework.Result{Message: "invalid functionConfig: " + e.Message, Severity: framework.Error, ResourceRef: ref, File: file}
			if e.Field != "" {
				r.Field = &framework.Field{Path: e.Field}
			}
			rl.Results = append(rl.Results, r)
		}
		return &Failure{Code: ExitBadInput, Message: fmt.Sprintf("functionConfig: %d error(s): %v", len(cerrs), cerrs[0]), Results: rl.Results}
	}

	mesh.ExtendWellKnown(spec.WellKnown) // the process's one table, as .meshready.yaml sets it for lint
	r := newRun(spec, rl.Items)
	if dups := r.duplicateKeys(); len(dups) > 0 {
		rl.Results = append(rl.Results, dups...)
		return &Failure{Code: ExitBadInput, Message: fmt.Sprintf("%d duplicate mapping key(s) in the input; first: %s", len(dups), dups[0]), Results: dups}
	}
	if spec.Injection.Enabled {
		r.inject()
	}
	if spec.Ports.Enabled {
		r.ports()
	}
	rl.Items = append(rl.Items, r.generate()...)
	rl.Results = append(rl.Results, r.results...)

	if !spec.Validation.Enabled {
		return nil
	}
	if p.Validator == nil {
		if spec.Validation.FailOn != "none" {
			rl.Results = append(rl.Results, &framework.Result{Severity: framework.Info,
				Message: "validation skipped: no lint rules are available to this function"})
		}
		return nil
	}
	ctx := p.Context
	if ctx == nil {
		ctx = context.Background()
	}
	res, err := validate(ctx, p.Validator, rl.Items, spec.Namespace)
	if err != nil {
		res := &framework.Result{Severity: framework.Error, Message: "validation failed: " + err.Error()}
		rl.Results = append(rl.Results, res)
		return &Failure{Code: ExitBadInput, Message: res.Message, Results: framework.Results{res}}
	}
	rl.Results = append(rl.Results, res...)
	if bad := failing(res, spec.Validation.FailOn); len(bad) > 0 {
		return &Failure{Code: ExitFailOn, Message: fmt.Sprintf("%d finding(s) at or above %s (failOn)", len(bad), spec.Validation.FailOn), Results: bad}
	}
	return nil
}

// configRef identifies the functionConfig in results.
func (p *Processor) configRef(fc *yaml.RNode) (*yaml.ResourceIdentifier, *framework.File) {
	var file *framework.File
	if p.ConfigFile != "" {
		file = &framework.File{Path: p.ConfigFile}
	}
	if fc == nil {
		return nil, file
	}
	root := deref(fc.YNode())
	return &yaml.ResourceIdentifier{
		TypeMeta: yaml.TypeMeta{APIVersion: str(root, "apiVersion"), Kind: str(root, "kind")},
		NameMeta: yaml.NameMeta{Name: str(root, "metadata", "name"), Namespace: str(root, "metadata", "namespace")},
	}, file
}

// run is one pass of the operations over the items.
type run struct {
	spec    Spec
	items   []*item
	results framework.Results
	// version is spec.istio.version (validated before a run starts).
	version mesh.Version
}

func newRun(spec Spec, rns []*yaml.RNode) *run {
	r := &run{spec: spec, items: make([]*item, 0, len(rns))}
	r.version, _ = mesh.ParseVersion(spec.Istio.Version)
	for i, rn := range rns {
		r.items = append(r.items, newItem(rn, i, spec.Namespace))
	}
	return r
}

// result records an operation's result about an item.
func (r *run) result(it *item, sev framework.Severity, field, msg string) {
	r.results = append(r.results, newResult(it, sev, field, msg))
}

// newResult is a result about an item, with its file when kpt or
// kustomize recorded one.
func newResult(it *item, sev framework.Severity, field, msg string) *framework.Result {
	res := &framework.Result{Message: msg, Severity: sev, ResourceRef: it.ref()}
	if field != "" {
		res.Field = &framework.Field{Path: field}
	}
	if p, idx, ok := it.file(); ok {
		res.File = &framework.File{Path: p, Index: idx}
	}
	return res
}
