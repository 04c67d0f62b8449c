package rules

import (
	"maps"
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/types"

	"github.com/meshready/meshready/internal/mesh"
)

// meshready.port_evidence(input): per Service (by input index), the ports
// whose declared protocol strong evidence in the input contradicts
// (mesh.Contradictions): [{"index", "field", "value", "declared",
// "protocol", "reason"}].
func init() {
	rego.RegisterBuiltin1(&rego.Function{
		Name:    "meshready.port_evidence",
		Decl:    types.NewFunction(types.Args(types.A), types.A),
		Memoize: true,
	}, portEvidenceBuiltin)
}

func portEvidenceBuiltin(_ rego.BuiltinContext, in *ast.Term) (*ast.Term, error) {
	objects, s, err := inputObjects(in)
	if err != nil {
		return nil, err
	}
	cs := mesh.Contradictions(objects, s, mesh.Analyze(objects, s))
	out := make([][2]*ast.Term, 0, len(cs))
	for _, si := range slices.Sorted(maps.Keys(cs)) {
		list := make([]*ast.Term, 0, len(cs[si]))
		for _, c := range cs[si] {
			v, err := ast.InterfaceToValue(map[string]any{
				"index": c.Index, "field": c.Field, "value": c.Value,
				"declared": c.Declared.Prefix(), "protocol": c.Protocol.Prefix(), "reason": c.Reason,
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
