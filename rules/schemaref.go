package rules

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// OPA's json.verify_schema and json.match_schema compile schemas with its
// internal gojsonschema, which resolves "$ref": "file:///..." from the
// local file system whatever allow_net says (OPA v1.22.2,
// internal/gojsonschema/jsonLoader.go, jsonReferenceLoader.LoadJSON). A
// policy could learn whether a file exists and read its JSON, and
// file:///dev/zero exhausts memory. meshready wraps both built-ins: a schema
// may refer only within itself ("$ref": "#/..."); any other reference, and
// any base URI ("$id"/"id") or "$schema" that could make a fragment resolve
// to a file, is an evaluation error naming the reference, before OPA's
// loader sees the schema.
func init() {
	for name, schemaArg := range map[string]int{"json.verify_schema": 0, "json.match_schema": 1} {
		orig := topdown.GetBuiltin(name)
		if orig == nil {
			continue
		}
		topdown.RegisterBuiltinFunc(name, func(bctx topdown.BuiltinContext, operands []*ast.Term, iter func(*ast.Term) error) error {
			if schemaArg < len(operands) {
				if err := closedSchema(operands[schemaArg].Value); err != nil {
					return fmt.Errorf("%s: %w", name, err)
				}
			}
			return orig(bctx, operands, iter)
		})
	}
}

// closedSchema refuses a schema that refers outside itself.
func closedSchema(v ast.Value) error {
	var doc any
	switch x := v.(type) {
	case ast.String:
		if err := json.Unmarshal([]byte(x), &doc); err != nil {
			return nil // not JSON: OPA reports it without loading anything
		}
	default:
		j, err := ast.JSON(v)
		if err != nil {
			return nil
		}
		doc = j
	}
	return walkSchema(doc, 0)
}

func walkSchema(x any, depth int) error {
	if depth > 1000 {
		return fmt.Errorf("schema nested deeper than 1000 levels")
	}
	switch t := x.(type) {
	case map[string]any:
		for k, v := range t {
			s, isString := v.(string)
			if isString {
				switch k {
				case "$ref":
					if !strings.HasPrefix(s, "#") {
						return fmt.Errorf("schema reference %q leaves the schema: only references within it (\"#/...\") are allowed", clipRef(s))
					}
				case "$id", "id":
					if !strings.HasPrefix(s, "#") && !strings.HasPrefix(s, "http://") && !strings.HasPrefix(s, "https://") {
						return fmt.Errorf("schema base URI %q: only http(s) identifiers are allowed (nothing is fetched)", clipRef(s))
					}
				case "$schema":
					if !strings.HasPrefix(s, "http://") && !strings.HasPrefix(s, "https://") {
						return fmt.Errorf("schema meta-schema %q: only the http(s) draft URIs are allowed", clipRef(s))
					}
				}
			}
			if err := walkSchema(v, depth+1); err != nil {
				return err
			}
		}
	case []any:
		for _, v := range t {
			if err := walkSchema(v, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

func clipRef(s string) string {
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}
