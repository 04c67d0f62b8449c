package rules

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"
	"github.com/open-policy-agent/opa/v1/util"

	"github.com/meshready/meshready/internal/finding"
)

// RulesPackage is the package prefix every rule lives under.
const RulesPackage = "meshready.rules"

// DefaultTimeout bounds one chart's evaluation.
const DefaultTimeout = 30 * time.Second

// Engine evaluates compiled rules. Its prepared query is built once and
// reused for every chart; it is safe for concurrent use.
type Engine struct {
	rules    map[string]finding.Rule // by package name (the segment after meshready.rules.)
	ordered  []finding.Rule
	query    rego.PreparedEvalQuery // the built-in rules, together
	own      []userRule             // the --policy rules, one query each (budget.go)
	Timeout  time.Duration
	compiler *ast.Compiler
}

// Settings are the mesh facts rules may consult (input.settings).
type Settings struct {
	Namespace       string            `json:"namespace"`
	NamespaceLabels map[string]string `json:"namespaceLabels"`
	TraceFormat     string            `json:"traceFormat"`
	// NativeSidecars says istiod runs with ENABLE_NATIVE_SIDECARS=true
	// (internal/mesh NativeSidecarFor reads it per Istio release).
	NativeSidecars bool `json:"nativeSidecars"`
	// KubernetesVersion is the cluster's Kubernetes release ("1.33"; ""
	// unknown): from Istio 1.27 the default ENABLE_NATIVE_SIDECARS=auto
	// makes sidecars native on Kubernetes >= 1.33.
	KubernetesVersion string `json:"kubernetesVersion"`
	// IstioVersion is the target Istio release (internal/mesh.ParseVersion;
	// "" is the newest the model covers).
	IstioVersion string `json:"istioVersion"`
	// IstioFlavor is "" (upstream Istio) or internal/mesh.FlavorOpenShift2.
	IstioFlavor string `json:"istioFlavor"`
	// Revisions are the installed Istio revisions and revision tags (empty: any).
	Revisions []string `json:"revisions"`
}

// Hit is one raw finding from a rule, before source mapping.
type Hit struct {
	Rule     finding.Rule
	Resource int
	Field    string
	Value    string
	Message  string
	Severity finding.Severity
}

// New compiles the modules of all sources, reads rule metadata and prepares
// the query. Compile errors name the file and line.
func New(ctx context.Context, sources ...Source) (*Engine, error) {
	modules, err := parseModules(sources, false)
	if err != nil {
		return nil, err
	}
	compiler := ast.NewCompiler().WithCapabilities(Capabilities()).WithEnablePrintStatements(false)
	compiler.Compile(modules)
	if compiler.Failed() {
		return nil, fmt.Errorf("policies do not compile: %w", compiler.Errors)
	}
	rules, err := readMetadata(compiler)
	if err != nil {
		return nil, err
	}
	if _, err := readFamilies(compiler); err != nil {
		return nil, err
	}
	e := &Engine{rules: rules, Timeout: DefaultTimeout, compiler: compiler}
	for _, r := range rules {
		e.ordered = append(e.ordered, r)
	}
	sort.Slice(e.ordered, func(i, j int) bool { return e.ordered[i].ID < e.ordered[j].ID })
	e.query, e.own, err = e.prepareQueries(ctx, rules, true)
	if err != nil {
		return nil, fmt.Errorf("preparing policies: %w", err)
	}
	return e, nil
}

// Rules lists the loaded rules' metadata, sorted by id.
func (e *Engine) Rules() []finding.Rule { return e.ordered }

// Evaluate runs every rule over one chart's resources.
func (e *Engine) Evaluate(ctx context.Context, objects []map[string]any, s Settings) ([]Hit, error) {
	if e.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, e.Timeout)
		defer cancel()
	}
	in, err := e.input(objects, s)
	if err != nil {
		return nil, e.explain(err)
	}
	pairs, err := e.evalPairs(bindSources(ctx, in), in)
	if err != nil {
		return nil, err
	}
	var hits []Hit
	for _, p := range pairs {
		pair, ok := p.([]any)
		if !ok || len(pair) != 2 {
			continue
		}
		pkg, _ := pair[0].(string)
		rule, ok := e.rules[pkg]
		if !ok {
			return nil, fmt.Errorf("package %s.%s defines findings but has no METADATA with custom.id", RulesPackage, pkg)
		}
		h, err := toHit(rule, pair[1])
		if err != nil {
			return nil, fmt.Errorf("rule %s (%s): %w", rule.ID, rule.Source, err)
		}
		hits = append(hits, h)
	}
	return hits, nil
}

// explain turns evaluation errors into a message naming the cause; a time
// limit hit names the rules that were loaded.
func (e *Engine) explain(err error) error {
	var te *topdown.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &te) && te.Code == topdown.CancelErr) {
		return fmt.Errorf("policy evaluation ran past its %s time limit (a rule loops or is too expensive): %w", e.Timeout, err)
	}
	if errors.As(err, &te) && te.Location != nil {
		return fmt.Errorf("policy evaluation failed in %s: %w", te.Location.File, err)
	}
	return fmt.Errorf("policy evaluation failed: %w", err)
}

// input is the evaluation's input document, {resources, settings}, as an AST
// value built straight from the decoded objects.
func (e *Engine) input(objects []map[string]any, s Settings) (ast.Value, error) {
	res := make([]*ast.Term, len(objects))
	for i, o := range objects {
		v, err := toValue(o, 1)
		if err != nil {
			return nil, err
		}
		res[i] = ast.NewTerm(v)
	}
	labels := make([][2]*ast.Term, 0, len(s.NamespaceLabels))
	for k, v := range s.NamespaceLabels {
		labels = append(labels, [2]*ast.Term{ast.StringTerm(k), ast.StringTerm(v)})
	}
	revisions := make([]*ast.Term, len(s.Revisions))
	for i, r := range s.Revisions {
		revisions[i] = ast.StringTerm(r)
	}
	settings := ast.NewObject(
		[2]*ast.Term{ast.StringTerm("namespace"), ast.StringTerm(s.Namespace)},
		[2]*ast.Term{ast.StringTerm("namespaceLabels"), ast.ObjectTerm(labels...)},
		[2]*ast.Term{ast.StringTerm("traceFormat"), ast.StringTerm(s.TraceFormat)},
		[2]*ast.Term{ast.StringTerm("nativeSidecars"), ast.BooleanTerm(s.NativeSidecars)},
		[2]*ast.Term{ast.StringTerm("kubernetesVersion"), ast.StringTerm(s.KubernetesVersion)},
		[2]*ast.Term{ast.StringTerm("istioVersion"), ast.StringTerm(s.IstioVersion)},
		[2]*ast.Term{ast.StringTerm("istioFlavor"), ast.StringTerm(s.IstioFlavor)},
		[2]*ast.Term{ast.StringTerm("revisions"), ast.ArrayTerm(revisions...)},
	)
	return ast.NewObject(
		[2]*ast.Term{ast.StringTerm("resources"), ast.ArrayTerm(res...)},
		[2]*ast.Term{ast.StringTerm("settings"), ast.NewTerm(settings)},
	), nil
}

// maxInputDepth is where toValue hands a subtree to OPA's own conversion,
// which detects reference cycles past that depth.
const maxInputDepth = 1000

// toValue converts a decoded value to AST exactly as rego.EvalInput does
// (util.RoundTripFast, then ast.InterfaceToValue: numbers through their JSON
// text, nil maps and slices as null) without copying the tree first.
func toValue(x any, depth int) (ast.Value, error) {
	switch x := x.(type) {
	case nil:
		return ast.NullValue, nil
	case string:
		return ast.String(x), nil
	case bool:
		return ast.Boolean(x), nil
	case map[string]any:
		if x == nil {
			return ast.NullValue, nil
		}
		if depth >= maxInputDepth {
			return slowValue(x)
		}
		terms := make([]ast.Term, 2*len(x))
		kvs := make([][2]*ast.Term, 0, len(x))
		for k, v := range x {
			val, err := toValue(v, depth+1)
			if err != nil {
				return nil, err
			}
			key, value := &terms[2*len(kvs)], &terms[2*len(kvs)+1]
			key.Value, value.Value = ast.String(k), val
			kvs = append(kvs, [2]*ast.Term{key, value})
		}
		return ast.NewObject(kvs...), nil
	case []any:
		if x == nil {
			return ast.NullValue, nil
		}
		if depth >= maxInputDepth {
			return slowValue(x)
		}
		terms := make([]ast.Term, len(x))
		elems := make([]*ast.Term, len(x))
		for i, v := range x {
			val, err := toValue(v, depth+1)
			if err != nil {
				return nil, err
			}
			terms[i].Value = val
			elems[i] = &terms[i]
		}
		return ast.NewArray(elems...), nil
	}
	return slowValue(x)
}

// slowValue is rego.EvalInput's own conversion.
func slowValue(x any) (ast.Value, error) {
	if err := util.RoundTripFast(&x); err != nil {
		return nil, err
	}
	return ast.InterfaceToValue(x)
}

func toHit(rule finding.Rule, v any) (Hit, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return Hit{}, fmt.Errorf("a finding must be an object, got %T", v)
	}
	h := Hit{Rule: rule, Severity: rule.Severity, Resource: -1}
	switch n := m["resource"].(type) {
	case float64:
		h.Resource = int(n)
	case interface{ Int64() (int64, error) }:
		i, err := n.Int64()
		if err != nil {
			return h, fmt.Errorf("resource index: %w", err)
		}
		h.Resource = int(i)
	default:
		return h, fmt.Errorf("a finding needs \"resource\": the index of the resource in input.resources")
	}
	h.Field, _ = m["field"].(string)
	h.Message, _ = m["message"].(string)
	h.Value = valueString(m["value"])
	if s, ok := m["severity"].(string); ok && s != "" {
		sev, ok := finding.ParseSeverity(s)
		if !ok {
			return h, fmt.Errorf("severity %q is not error, warning or info", s)
		}
		h.Severity = sev
	}
	if h.Message == "" {
		h.Message = rule.Title
	}
	return h, nil
}

func valueString(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	case interface{ String() string }:
		return t.String()
	}
	return strings.TrimSpace(fmt.Sprint(v))
}
