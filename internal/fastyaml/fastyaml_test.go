package fastyaml

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	yaml "go.yaml.in/yaml/v3"
)

// TestParse: the values Parse gives for documents of the subset, and ok=false
// (never a panic) for documents outside it. That every accepted document
// gives yaml.v3's value is internal/resource's FuzzFastYAML and
// TestFastYAML, where the yaml.v3 path lives.
func TestParse(t *testing.T) {
	for _, c := range []struct {
		name, text string
		want       map[string]any
		warnings   []string
		ok         bool
	}{
		{"empty", "", nil, nil, true},
		{"comments only", "# Source: a/templates/b.yaml\n  # c\n", nil, nil, true},
		{"null root", "~\n", nil, nil, true},
		{"empty flow mapping", "{}\n", map[string]any{}, nil, true},
		{"scalars", "a: 1\nb: true\nc: x\nd: \"q\"\ne: 'it''s'\nf: ~\ng: 1.5\nh: 0x1F\n",
			map[string]any{"a": int64(1), "b": true, "c": "x", "d": "q", "e": "it's", "f": nil, "g": 1.5, "h": int64(31)}, nil, true},
		{"nesting", "spec:\n  ports:\n  - name: http\n    port: 80\n  - - x\n",
			map[string]any{"spec": map[string]any{"ports": []any{map[string]any{"name": "http", "port": int64(80)}, []any{"x"}}}}, nil, true},
		{"indentless sequence", "a:\n- x\n- y\nb: 2\n", map[string]any{"a": []any{"x", "y"}, "b": int64(2)}, nil, true},
		{"flow collections", "c: [\"/bin/sh\", \"-c\"]\nr: {name: s, key: k}\n",
			map[string]any{"c": []any{"/bin/sh", "-c"}, "r": map[string]any{"name": "s", "key": "k"}}, nil, true},
		{"block scalars", "a: |\n  x\n  y\nb: >-\n  x\n  y\n", map[string]any{"a": "x\ny\n", "b": "x y"}, nil, true},
		{"multi-line quoted", "a: \"x\\ty\n  z\"\n", map[string]any{"a": "x\ty z"}, nil, true},
		{"duplicate key", "a: 1\na: 2\n", map[string]any{"a": int64(2)}, []string{`line 2: duplicate key "a" (the last one wins)`}, true},
		{"root sequence", "- a\n", nil, nil, false},
		{"root scalar", "hello\n", nil, nil, false},
		{"anchor", "a: &x 1\n", nil, nil, false},
		{"tab", "a:\tb\n", nil, nil, false},
		{"unterminated quote", "a: 'b\n", nil, nil, false},
		{"unterminated flow", "a: [b, c\n", nil, nil, false},
		{"trailing comma", "a: [b, ]\n", nil, nil, false},
		{"bad escape", "a: \"\\/\"\n", nil, nil, false},
		{"short escape", "a: \"\\x4\"\n", nil, nil, false},
		{"flow duplicate", "a: {b: 1, b: 2}\n", nil, nil, false},
		{"explicit indentation", "a: |2\n   x\n", nil, nil, false},
		{"tab in block scalar indentation", "a: |\n  x\n\ty\n", nil, nil, false},
		{"content after root", "{}\nb: 1\n", nil, nil, false},
		{"document marker in quote", "a: 'x\n---\n'\n", nil, nil, false},
		{"merge key", "<<: {a: 1}\n", nil, nil, false},
		{"too deep flow", "a: " + strings.Repeat("[", MaxDepth+2) + strings.Repeat("]", MaxDepth+2) + "\n", nil, nil, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, warnings, ok := Parse(c.text)
			if ok != c.ok {
				t.Fatalf("Parse(%q): ok = %v, want %v", c.text, ok, c.ok)
			}
			if d := cmp.Diff(c.want, got); d != "" {
				t.Errorf("Parse(%q) value (-want +got):\n%s", c.text, d)
			}
			if d := cmp.Diff(c.warnings, warnings); d != "" {
				t.Errorf("Parse(%q) warnings (-want +got):\n%s", c.text, d)
			}
		})
	}
}

// FuzzParse: Parse never panics, gives nothing with ok=false, and what it
// accepts round-trips: yaml.v3's encoding of the value, where Parse takes
// it, parses to the same value. (FuzzFastYAML in internal/resource compares
// the values with yaml.v3's decoding.)
func FuzzParse(f *testing.F) {
	for _, s := range []string{"a: 1\n", "a:\n- [x, {y: z}]\n", "a: \"x\\u00e9\n y\"\n", "a: >+\n x\n\n", "- x\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		v, w, ok := Parse(text)
		if !ok && (v != nil || w != nil) {
			t.Fatalf("%q: ok=false with a value %#v or warnings %q", text, v, w)
		}
		if !ok || v == nil {
			return
		}
		out, err := yaml.Marshal(v)
		if err != nil {
			t.Fatalf("%q: yaml.v3 cannot encode %#v: %v", text, v, err)
		}
		// yaml.v3 writes the float 8 (from "08") as "8", an integer.
		first, _ := numbersAsFloats(v).(map[string]any)
		if again, _, ok := Parse(string(out)); ok && !cmp.Equal(first, numbersAsFloats(again), cmpopts.EquateNaNs()) {
			t.Fatalf("%q: the value does not round-trip through\n%s(-first +again):\n%s", text, out, cmp.Diff(first, numbersAsFloats(again), cmpopts.EquateNaNs()))
		}
	})
}

// numbersAsFloats returns v with every int64 made a float64.
func numbersAsFloats(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = numbersAsFloats(e)
		}
		return m
	case []any:
		s := make([]any, len(x))
		for i, e := range x {
			s[i] = numbersAsFloats(e)
		}
		return s
	case int64:
		return float64(x)
	}
	return v
}

// TestPlainValue: plainValue's shortcuts resolve every value the way
// Scalar resolves yaml.v3's node for it.
func TestPlainValue(t *testing.T) {
	values := []string{
		"0", "-0", "+0", "00", "01", "08", "0777", "0x1F", "0X1F", "0o17", "0b101", "-0b101", "-0o17", "1_000", "1__0",
		"9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
		"18446744073709551615", "18446744073709551616", "123456789012345678", "-123456789012345678",
		"1234567890123456789", "1e3", "1E3", "1e+3", "-1e-3", ".5", "-.5", "+.5", "1.", "1.5", ".inf", "-.Inf", "+.INF",
		".nan", ".NaN", ".NAN", ".", "..", "-", "+", "--", "1-", "1e", "e1", "0.0.0", "1:20", "1:20:30", "190:20:30",
		"true", "True", "TRUE", "tRUE", "false", "False", "FALSE", "yes", "Yes", "YES", "no", "No", "NO", "on", "On",
		"off", "Off", "y", "Y", "n", "N", "~", "null", "Null", "NULL", "nil", "<<", "=", "2001-12-14", "2001-12-14t21:59:43.10-05:00",
		"2001-12-14 21:59:43.10", "2001-12-14T02:59:43.1Z", "2001-1-1", "20011-1-1", "12:30", "v1", "apps/v1", "onap",
		"http://x", "repo:5000/x:1.0", "-Dx=y", "+x", ".x", "0x", "0b", "0o", "0xg", "1_", "_1", "ノ", "t", "f", "o", "O",
	}
	// and every short combination of the characters that steer resolution
	const alphabet = "0123456789+-._eExXoObBtTfFnNyY~:a"
	for _, a := range alphabet {
		values = append(values, string(a))
		for _, b := range alphabet {
			values = append(values, string(a)+string(b))
			for _, c := range alphabet {
				values = append(values, string(a)+string(b)+string(c))
			}
		}
	}
	for i := range 2000 {
		values = append(values, fmt.Sprint(i-1000), fmt.Sprint(int64(i)*4611686018427387), fmt.Sprintf("%d.%d", i, i))
	}
	for _, v := range values {
		n := yaml.Node{Kind: yaml.ScalarNode, Value: v}
		want := Scalar(&n)
		got := plainValue(v)
		if !cmp.Equal(want, got, cmpopts.EquateNaNs()) {
			t.Errorf("plainValue(%q) = %#v, Scalar() = %#v", v, got, want)
		}
	}
	// and the node yaml.v3 itself builds (its tag set by the parser)
	for _, v := range values[:200] {
		if strings.ContainsAny(v, ":") {
			continue
		}
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte("k: "+v+"\n"), &doc); err != nil {
			continue
		}
		want := Scalar(doc.Content[0].Content[1])
		if got := plainValue(v); !cmp.Equal(want, got, cmpopts.EquateNaNs()) {
			t.Errorf("plainValue(%q) = %#v, yaml.v3 = %#v", v, got, want)
		}
	}
}
