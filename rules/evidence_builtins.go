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
//
// meshready.port_mismatch(input): the same shape, for the ports whose
// declared protocol mesh.Mismatches refutes (a binary protocol's well-known
// port named http with no HTTP evidence).
//
// meshready.port_sniffed_http(input): the same shape, for the ports Istio
// sniffs that the evidence shows carry HTTP or gRPC in the clear
// (mesh.SniffedHTTP; "declared" is "").
func init() {
	rego.RegisterBuiltin1(&rego.Function{
		Name:    "meshready.port_sniffed_http",
		Decl:    types.NewFunction(types.Args(types.A), types.A),
		Memoize: true,
	}, judgeBuiltin(mesh.SniffedHTTP))
	rego.RegisterBuiltin1(&rego.Function{
		Name:    "meshready.port_evidence",
		Decl:    types.NewFunction(types.Args(types.A), types.A),
		Memoize: true,
	}, judgeBuiltin(mesh.Contradictions))
	rego.RegisterBuiltin1(&rego.Function{
		Name:    "meshready.port_mismatch",
		Decl:    types.NewFunction(types.Args(types.A), types.A),
		Memoize: true,
	}, judgeBuiltin(mesh.Mismatches))
}

type judgeFunc func([]map[string]any, mesh.Settings, *mesh.Model) map[int][]mesh.Contradiction

func judgeBuiltin(judge judgeFunc) func(rego.BuiltinContext, *ast.Term) (*ast.Term, error) {
	return func(_ rego.BuiltinContext, in *ast.Term) (*ast.Term, error) { return judgeTerm(judge, in) }
}

func judgeTerm(judge judgeFunc, in *ast.Term) (*ast.Term, error) {
	objects, s, err := inputObjects(in)
	if err != nil {
		return nil, err
	}
	cs := judge(objects, s, mesh.Analyze(objects, s))
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
