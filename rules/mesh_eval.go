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
	// tree: the client URLs of the chart tree the input was rendered from
	// (WithTreeURLs), evidence beside the input's own.
	tree []*mesh.URLIndex
}

type treeURLsKey struct{}

// WithTreeURLs returns ctx carrying the client URLs of the chart tree an
// evaluation's input comes from (mesh.URLIndex.AddTree): the model
// built-ins then judge port evidence from the whole tree, as fix does.
func WithTreeURLs(ctx context.Context, ix *mesh.URLIndex) context.Context {
	if ix == nil {
		return ctx
	}
	return context.WithValue(ctx, treeURLsKey{}, ix)
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
		if ix, ok := bctx.Context.Value(treeURLsKey{}).(*mesh.URLIndex); ok {
			e.tree = []*mesh.URLIndex{ix}
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
		j := mesh.Judge(e.objects, e.s, e.model, e.tree...)
		e.judged = &j
	}
	return *e.judged
}
