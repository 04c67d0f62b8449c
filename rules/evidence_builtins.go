package rules

import (
	"maps"
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/meshready/meshready/internal/mesh"
)

// judgeBuiltin answers a port evidence built-in (registered with the
// others in mesh_builtins.go) from the evaluation's one judgement of the
// input (meshEval.judge): the three share one Collect per port.
func judgeBuiltin(pick func(mesh.Judged) map[int][]mesh.Contradiction) rego.Builtin1 {
	return func(bctx rego.BuiltinContext, in *ast.Term) (*ast.Term, error) {
		e, err := evalOf(bctx, in)
		if err != nil {
			return nil, err
		}
		return judgeTerm(pick(e.judge()))
	}
}

func judgeTerm(cs map[int][]mesh.Contradiction) (*ast.Term, error) {
	out := make([][2]*ast.Term, 0, len(cs))
	for _, si := range slices.Sorted(maps.Keys(cs)) {
		list := make([]*ast.Term, 0, len(cs[si]))
		for _, c := range cs[si] {
			v, err := ast.InterfaceToValue(map[string]any{
				"index": c.Index, "field": c.Field, "value": c.Value,
				"declared": declaredName(c.Declared), "protocol": c.Protocol.Prefix(), "reason": c.Reason,
			})
			if err != nil {
				return nil, err
			}
			list = append(list, ast.NewTerm(v))
		}
		out = append(out, [2]*ast.Term{ast.IntNumberTerm(si), ast.ArrayTerm(list...)})
	}
	return ast.ObjectTerm(out...), nil
}

// declaredName is the declared protocol as the rules print it ("" for none).
func declaredName(d mesh.Instance) string {
	if d == mesh.Unsupported || d == "" {
		return ""
	}
	return d.Prefix()
}
