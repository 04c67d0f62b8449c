package mesh

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// These read fields of objects decoded into plain Go values: from
// internal/resource (quoted scalars stay strings, plain ints are int64),
// from a yaml.v3 decode (int) or from JSON (float64).

// IntOrName reads an IntOrString field (targetPort, a probe's port) as the
// API server does: a number is a port number and a string is a port name,
// even a string of digits ("8080" quoted in YAML names a port, which the
// API server rejects for want of a letter; it reaches no port by number).
// ok is false when the field is unset, null or neither.
func IntOrName(v any) (num int32, name string, ok bool) {
	if s, isString := v.(string); isString {
		return 0, s, true
	}
	num, ok = Number(v)
	return num, "", ok
}

// Number reads an int32 field (a Service port, a containerPort): a number,
// or a string of digits, which the API server would refuse but whose
// meaning is plain.
func Number(v any) (int32, bool) {
	var n int64
	switch t := v.(type) {
	case int:
		n = int64(t)
	case int64:
		n = t
	case int32:
		return t, true
	case float64:
		n = int64(t)
	case json.Number:
		p, err := t.Int64()
		if err != nil {
			return 0, false
		}
		n = p
	case string:
		p, err := strconv.ParseInt(t, 10, 32)
		return int32(p), err == nil
	default:
		return 0, false
	}
	if n < math.MinInt32 || n > math.MaxInt32 {
		return 0, false
	}
	return int32(n), true
}

// text reads a scalar as its text ("" for null).
func text(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// maps are the mappings in a list.
func mapItems(v any) []map[string]any {
	l, _ := v.([]any)
	out := make([]map[string]any, 0, len(l))
	for _, e := range l {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}
