package rules

import (
	"context"
	"sync/atomic"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/meshready/meshready/internal/mesh"
)

// meshEval is the model of one evaluation's input, worked out once and
// shared by meshready.model, meshready.port_evidence and
// meshready.port_mismatch: OPA memoizes each built-in by its arguments, but
// each would otherwise decode the input and run mesh.Analyze itself, and
// the two evidence built-ins would Collect every port's evidence twice.
// It lives in the BuiltinContext's Cache, which OPA makes afresh for each
// query evaluation (topdown/query.go @v1.22.2: builtinCache: builtins.Cache{}).
type meshEval struct {
	// in is the input value the entry was made from: an entry serves only
	// that very value (a `with input as` or a literal argument gets its own).
	in      ast.Object
	objects []map[string]any
	s       mesh.Settings
	model   *mesh.Model
	judged  *mesh.Judged
	// src: the evidence sources of the input (WithSources), or made from
	// its objects on first use by judge.
	src *mesh.RenderSources
}

type (
	sourcesKey struct{}
	boundKey   struct{}
)

// boundSources are the caller's sources (WithSources) bound by
// Engine.Evaluate to the input value it evaluates.
type boundSources struct {
	in  ast.Value
	src *mesh.RenderSources
}

// WithSources returns ctx carrying the evidence sources of the render an
// evaluation's objects are (mesh.NewRenderSources, with the chart tree's
// client URLs): the evidence built-ins judge the engine's input from them,
// and the caller reads the same sources for its own use (lint's
// suggestions), so that the render's URLs are indexed once. Another input
// (`with input as`, a literal argument) gets sources of its own, with the
// same tree.
func WithSources(ctx context.Context, src *mesh.RenderSources) context.Context {
	if src == nil {
		return ctx
	}
	return context.WithValue(ctx, sourcesKey{}, src)
}

// bindSources binds the sources in ctx (WithSources) to the input value in.
func bindSources(ctx context.Context, in ast.Value) context.Context {
	src, ok := ctx.Value(sourcesKey{}).(*mesh.RenderSources)
	if !ok {
		return ctx
	}
	return context.WithValue(ctx, boundKey{}, boundSources{in: in, src: src})
}

type meshEvalKey struct{}

// analyses counts the models evalOf worked out (TestMeshEvalOnce).
var analyses atomic.Int64

// evalOf returns the evaluation's model of the input term in.
func evalOf(bctx rego.BuiltinContext, in *ast.Term) (*meshEval, error) {
	obj, _ := in.Value.(ast.Object)
	if obj != nil && bctx.Cache != nil {
		if c, ok := bctx.Cache.Get(meshEvalKey{}); ok {
			if e := c.(*meshEval); e.in == obj {
				return e, nil
			}
		}
	}
	objects, s, err := inputObjects(in)
	if err != nil {
		return nil, err
	}
	analyses.Add(1)
	e := &meshEval{in: obj, objects: objects, s: s, model: mesh.Analyze(objects, s)}
	if bctx.Context != nil {
		if b, ok := bctx.Context.Value(boundKey{}).(boundSources); ok {
			if obj != nil && b.in == ast.Value(obj) {
				e.src = b.src
			} else {
				e.src = mesh.NewRenderSources(objects, s.Namespace, nil, s.ClusterDomain, b.src.Tree()...)
			}
		}
	}
	if obj != nil && bctx.Cache != nil {
		bctx.Cache.Put(meshEvalKey{}, e)
	}
	return e, nil
}

// judge collects and judges the input's port evidence, once.
func (e *meshEval) judge() mesh.Judged {
	if e.judged == nil {
		j := mesh.Judge(e.objects, e.s, e.model, e.src)
		e.judged = &j
	}
	return *e.judged
}
