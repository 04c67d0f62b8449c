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
// (mesh.Judged.Contradictions): [{"index", "field", "value", "declared",
// "protocol", "reason"}].
//
// meshready.port_mismatch(input): the same shape, for the ports whose
// declared protocol mesh.Judged.Mismatches refutes (a binary protocol's well-known
// port named http with no HTTP evidence).
//
// meshready.port_sniffed_http(input): the same shape, for the ports Istio
// sniffs that the evidence shows carry HTTP or gRPC in the clear
// (mesh.Judged.SniffedHTTP; "declared" is "").
func init() {
	register([]builtin{
		{name: "meshready.port_sniffed_http", decl: decl(types.A, types.A), fn1: judgeBuiltin(func(j mesh.Judged) map[int][]mesh.Contradiction { return j.SniffedHTTP })},
		{name: "meshready.port_evidence", decl: decl(types.A, types.A), fn1: judgeBuiltin(func(j mesh.Judged) map[int][]mesh.Contradiction { return j.Contradictions })},
		{name: "meshready.port_mismatch", decl: decl(types.A, types.A), fn1: judgeBuiltin(func(j mesh.Judged) map[int][]mesh.Contradiction { return j.Mismatches })},
	})
}

// judgeBuiltin answers from the evaluation's one judgement of the input
// (meshEval.judge): both built-ins share one Collect per port.
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
