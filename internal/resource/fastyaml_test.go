package resource

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fastCases are documents the fast path must accept (fast: true) or leave
// to yaml.v3 (fast: false); either way the result must be yaml.v3's.
var fastCases = []struct {
	name, text string
	fast       bool
}{
	{"empty", "", true},
	{"blank lines", "\n   \n\n", true},
	{"comments only", "# Source: a/templates/b.yaml\n  # indented\n#\n", true},
	{"deployment", `# Source: so/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: onap-so
  namespace: onap
  labels:
    app.kubernetes.io/name: so
    helm.sh/chart: so-13.0.0
spec:
  replicas: 1
  selector:
    matchLabels:
      app: so
  template:
    metadata:
      annotations:
        sidecar.istio.io/inject: "true"
        checksum/config: 4a7c1f
    spec:
      initContainers:
      - command:
        - /app/ready.py
        args:
        - --container-name
        - so-mariadb
        env:
        - name: NAMESPACE
          valueFrom:
            fieldRef:
              apiVersion: v1
              fieldPath: metadata.namespace
        image: nexus3.onap.org:10001/onap/oom/readiness:3.0.1
        imagePullPolicy: IfNotPresent
      containers:
        - name: so
          ports:
            - containerPort: 8080
              name: http
              protocol: TCP
          resources: {}
          volumeMounts: []
`, true},
	{"compact sequence", "a:\n- x\n- y\nb: 1\n", true},
	{"nested compact", "a:\n- - x\n  - y\n- z\n-\n  - w\n- []\n", true},
	{"sequence of mappings", "items:\n- name: a\n  port: 80\n- name: b\n  ports:\n  - 1\n  - 2\n-   c: 3\n    d: 4\n", true},
	{"empty entries", "a:\n-\n- \n- # c\n-\nb:\nc: # comment\nd:   \n", true},
	{"empty value then less indented", "a:\n  b:\nc: 1\n", true},
	{"nested empty", "a:\n  b:\n  - x\n  c:\n    d:\n", true},
	{"comments", "# head\na: b # trailing\nc: d#not a comment\n  # indented comment\ne: 'x' # c\nf: \"y\" #c\ng: [] # c\nh: {}   # c\n# tail\n", true},
	{"comment between entries", "a:\n  # c\n  - x\n  # c\n  - y\n# c\nb: 1\n", true},
	{"quotes", "a: 'it''s'\nb: \"a: b\"\nc: ''\nd: \"\"\ne: ''''\nf: '  sp  '\ng: \"#x\"\nh: 'a #b'\n", true},
	{"quoted keys", "\"a.b/c\": x\n'k''s': y\n\"\": z\n\"true\": 1\n", true},
	{"plain oddities", "a: repo:5000/x:1.0\nb: http://x\nc: a #b\nd: a#b\ne: -Dfoo=bar\nf: a'b\"c\ng: a,b[c]{d}\nh: --x\ni: x:\"y\"\nj: a  b\n", true},
	{"trailing spaces", "a: v   \nb:    \nc: 'q'   \n", true},
	{"numbers", "a: 0777\nb: 1e3\nc: .inf\nd: 0x1F\ne: +1\nf: 1_000\ng: -0\nh: 08\ni: 0b101\nj: 0o17\nk: 9223372036854775807\nl: 9223372036854775808\nm: -9223372036854775808\nn: -9223372036854775809\no: 1.5\np: -.5\nq: .5\nr: 1.\ns: 12e\nt: +.inf\nu: -.INF\nv: 0.0\nw: 1e400\nx: 123456789012345678\ny: 1234567890123456789\nz: 0x\n", true},
	{"nan", "a: .nan\nb: .NaN\n", true},
	{"words", "a: yes\nb: no\nc: on\nd: off\ne: ~\nf: null\ng: Null\nh: NULL\ni: true\nj: True\nk: TRUE\nl: false\nm: FALSE\nn: fAlse\no: y\np: n\nq: nULL\nr: <<\n", true},
	{"timestamps", "a: 2001-12-14\nb: 2001-12-14t21:59:43.10-05:00\nc: 2001-12-14 21:59:43.10\nd: 2001-12-15T02:59:43.1Z\ne: 2001-12-14 21:59:43.10 -5\nf: 1000-1\n", true},
	{"unicode", "a: héllo ✓\nb: 'ü'\nc: 日本\n", true},
	{"indented root", "  a: 1\n  b:\n    c: 2\n", true},
	{"duplicate keys", "a: 1\nb:\n  c: 1\n  c: 2\na: 2\n\"a\": 3\n", true},
	{"duplicate in a sequence", "l:\n- k: 1\n  k: 2\n", true},
	{"literal", "a: |\n  line 1\n    more\n\n  line 3\nb: 1\n", true},
	{"literal strip", "a: |-\n  x\n\n\nb: 1\n", true},
	{"literal keep", "a: |+\n  x\n\n\nb: 1\n", true},
	{"folded", "a: >\n  one\n  two\n\n  three\n    indented\n  four\n\n\n  five\nb: 1\n", true},
	{"folded strip", "a: >-\n  one\n  two\n\n", true},
	{"folded keep", "a: >+\n  one\n  two\n\n", true},
	{"block at end without newline", "a: |\n  x", true},
	{"keep at end", "a: |+\n  x\n\n  ", true},
	{"block leading blank lines", "a: |\n\n  x\n", true},
	{"block leading longer blank", "a: |\n     \n  x\n", false},
	{"block with comment-like lines", "a: |\n  # not a comment\n  ---\n  key: value\n# a comment\nb: 1\n", true},
	{"block header comment", "a: |- # c\n  x\nb: >+  # c\n  y\n", true},
	{"empty block", "a: |\nb: >+\n\nc: |-\n", true},
	{"block in sequence", "a:\n- |\n  x\n- >-\n   y\n   z\n- k: |\n    w\n  j: 1\n", true},
	{"block trailing blank spaces", "a: |\n  x\n   \n  \n y\n", false},
	{"block blank spaces inside", "a: |\n  x\n     \n  y\n", true},
	{"block tab content", "a: |\n  x\ty\n  \tz\n", true},
	{"folded tab content", "a: >\n  x\n  \tz\n  w\n", true},
	{"seq entry with dash value", "a:\n- -1\n- -x\n", true},
	{"long key", "a: 1\n" + strings.Repeat("k", 999) + ": 1\n", true},

	{"flow sequence", "a: [1, 2]\n", true},
	{"flow sequences", "a: [ ]\nb: [\"/bin/sh\", \"-c\", 'x, y']  # c\nc: [a, b/c, 0777, 1.5, true, x=y, a-b]\nd:\n- [x]\n- [ 'q' ,\"r\" ]\n", true},
	{"escape", "a: \"x\\ty\"\n", true},
	{"escapes", "a: \"\\0\\a\\b\\t\\n\\v\\f\\r\\e\\ \\\"\\'\\\\\\N\\_\\L\\P\"\nb: \"\\x41\\u00e9\\U0001F600\\xff\"\n", true},
	{"multi-line quoted", "a: \"one\n  two\"\n", true},
	{"multi-line single", "a: 'one\n  two''s\n\n  three'\nb: 1\n", true},
	{"toYaml long string", "data:\n  f: \"<?xml version=\\\"1.0\\\"?>\\n<a>\\n\n    \\  <b/>\\n</a>\\n  trailing   \n    \\ x\\\n    y\\\n\n    z\"\n  g: 1\n", true},
	{"folding", "a: \"x  \n   y\n\n\n   z \t\n   w\"\n", true},
	{"escaped break then blank lines", "a: \"x\\\n\n\n  y\"\n", true},
	{"multi-line item", "l:\n- \"a\n  b\"\n- 'c\n   d'\n", true},
	{"multi-line then comment", "a: \"x\n  y\" # c\nb: 2\n", true},
	{"quoted at column 0 continuation", "a: \"x\ny\"\n", true},
	{"continuation at key column", "k:\n  a: \"x\n  y\"\n", true},
	{"quote closes at column 0", "a: \"x\\\n\"\n", true},
	{"unterminated multi-line", "a: \"x\n  y\n", false},
	{"unknown escape", "a: \"\\/\"\n", false},
	{"surrogate escape", "a: \"\\ud800\"\n", false},
	{"big escape", "a: \"\\U00110000\"\n", false},
	{"short hex escape", "a: \"\\x4\"\n", false},
	{"signed hex escape", "a: \"\\x+1\"\n", false},
	{"text after multi-line", "a: \"x\n  y\" z\n", false},
	{"document marker in quoted", "a: \"x\n---\n  y\"\n", false},
	{"multi-line flow", "a: [1,\n  2]\n", false},
	{"nested flow", "a: [[1]]\n", true},
	{"flow mapping in flow", "a: [{b: 1}]\n", true},
	{"trailing comma", "a: [1, 2,]\n", false},
	{"empty flow entry", "a: [1, , 2]\n", false},
	{"flow plain with colon", "a: [b:c]\n", false},
	{"flow plain with space", "a: [b c]\n", false},
	{"flow pair", "a: [\"b\": c]\n", false},
	{"flow then text", "a: [b] c\n", false},
	{"escaped tab", "a: \"x\\\ty\"\n", false},
	{"flow null", "a: [~]\n", false},
	{"escaped key", "\"a\\tb\": 1\n", false},
	{"long flow key", "a: {" + strings.Repeat("k", 1025) + ": v}\n", false},
	{"long quoted flow key", "a: {'" + strings.Repeat("k", 1023) + "': v}\n", false},
	{"long later flow key", "a: {x: 1, " + strings.Repeat("k", 1025) + ": v}\n", false},
	{"long flow key in a sequence", "a: [{" + strings.Repeat("k", 1025) + ": v}]\n", false},
	{"flow key of 1000", "a: {" + strings.Repeat("k", 1000) + ": v}\n", true},
	{"flow dash start", "a: [-1]\n", false},

	{"flow mappings", "env:\n- valueFrom: { fieldRef: { fieldPath: metadata.name } }\n- secretKeyRef: {name: s, key: k}\n  m: {'a b': 1, \"c\": [x, {d: e}], f: []}\n", true},
	{"keys with spaces before the colon", "name : x\na b  : 1\nl:\n- k : v\n", true},
	{"null documents", "# Source: x\nnull\n", true},
	{"null document with comment", "~ # nothing\n", true},
	{"root scalar then more", "null\na: 1\n", false},
	{"root string", "'x'\n", false},
	{"root flow sequence", "[a]\n", false},
	{"flow key without space", "a: {b:1}\n", false},
	{"flow key with space", "a: {b : 1}\n", false},
	{"flow key alone", "a: {b}\n", false},
	{"flow duplicate key", "a: {b: 1, b: 2}\n", false},
	{"flow null value", "a: {b: }\n", false},
	{"flow quoted key with colon", "a: {\"b\":1}\n", false},
	{"multi-line flow mapping", "a: {b: 1,\n  c: 2}\n", false},
	{"flow trailing comma in mapping", "a: {b: 1,}\n", false},
	{"flow map then text", "a: {b: 1} x\n", false},
	{"quoted then dashes", "a: 'x\n--x'\n", true},
	{"quoted then marker-like text", "a: 'x\n---y'\n", false},
	{"document end in quoted", "a: 'x\n...'\n", false},
	{"tab continuation", "a: 'x\n\ty'\n", true},

	// Outside the subset: yaml.v3 decides.
	{"anchor", "a: &x 1\nb: *x\n", false},
	{"merge", "a: &x {k: 1}\nb:\n  <<: *x\n", false},
	{"tag", "a: !!str 1\n", false},
	{"flow mapping", "a: {b: 1}\n", true},
	{"multi-line plain", "a: one\n  two\n", false},
	{"explicit key", "? a\n: b\n", false},
	{"directive", "%YAML 1.1\n---\na: 1\n", false},
	{"document end", "a: 1\n...\n", false},
	{"document start with content", "a: 1\n--- b\n", false},
	{"tab indentation", "a:\n\tb: 1\n", false},
	{"tab separator", "a:\tb\n", false},
	{"explicit indentation", "a: |2\n   x\n", false},
	{"value after value", "a: b: c\n", false},
	{"bad indentation", "a:\n  b: 1\n c: 2\n", false},
	{"root sequence", "- a\n- b\n", false},
	{"root scalar", "hello\n", false},
	{"root null", "~\n", true},
	{"root empty mapping", "{}\n", true},
	{"entry in mapping", "a: 1\n- b\n", false},
	{"scalar on next line", "a:\n  b\n", false},
	{"dash value", "a: - b\n", false},
	{"too long key", "a: 1\n" + strings.Repeat("k", 1100) + ": 1\n", false},
	{"control character", "a: b\x01\n", false},
	{"lone carriage return", "a: b\rc: d\n", false},
	{"bom", "\ufeffa: 1\n", false},
	{"nel", "a: b\u0085c\n", false},
	{"unterminated quote", "a: 'b\n", false},
	{"key with trailing space", "a : 1\n", true},
	{"comment without space after quote", "a: 'b'#c\n", false},
}

// sameAsYAML parses text on both paths and reports a difference; fast
// tells whether the fast path took the document.
func sameAsYAML(text string) (fast bool, diff string) {
	got, ok := parseDocFast(text)
	if !ok {
		return false, ""
	}
	want, err := parseDocYAML(text)
	if err != nil {
		return true, fmt.Sprintf("the fast path accepted a document yaml.v3 rejects (%v)", err)
	}
	return true, diffResource(want, got)
}

// diffResource describes how got differs from want ("" if not at all):
// every field, and the objects down to the Go types of their values.
func diffResource(want, got *Resource) string {
	if want == nil || got == nil {
		if want != got {
			return fmt.Sprintf("yaml.v3 gave %v, the fast path %v", want, got)
		}
		return ""
	}
	w, g := *want, *got
	w.Object, g.Object = nil, nil
	if d := cmp.Diff(w, g); d != "" {
		return "resource differs (-yaml +fast):\n" + d
	}
	if !equalValue(want.Object, got.Object) {
		return fmt.Sprintf("object differs:\nyaml: %#v\nfast: %#v", want.Object, got.Object)
	}
	return ""
}

// equalValue is reflect.DeepEqual for parsed YAML, except that NaN equals
// NaN. (cmp.Diff takes exponential time on deeply nested slices.)
func equalValue(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) || (x == nil) != (y == nil) {
			return false
		}
		for k, v := range x {
			if w, ok := y[k]; !ok || !equalValue(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) || (x == nil) != (y == nil) {
			return false
		}
		for i := range x {
			if !equalValue(x[i], y[i]) {
				return false
			}
		}
		return true
	case float64:
		y, ok := b.(float64)
		return ok && (x == y && math.Signbit(x) == math.Signbit(y) || math.IsNaN(x) && math.IsNaN(y))
	case nil, string, bool, int64:
		return a == b
	}
	panic(fmt.Sprintf("unexpected %T in a parsed object", a))
}

func TestFastYAML(t *testing.T) {
	for _, c := range fastCases {
		t.Run(c.name, func(t *testing.T) {
			fast, diff := sameAsYAML(c.text)
			if diff != "" {
				t.Fatalf("%q: %s", c.text, diff)
			}
			if fast != c.fast {
				t.Errorf("%q: fast path taken = %v, want %v", c.text, fast, c.fast)
			}
		})
	}
}

// TestFastYAMLDepth: the fast path gives the same nesting limit as yaml.v3's
// path (by leaving over-deep documents to it).
func TestFastYAMLDepth(t *testing.T) {
	for _, depth := range []int{MaxDepth - 1, MaxDepth, MaxDepth + 1, MaxDepth + 5} {
		var b strings.Builder
		for i := range depth {
			fmt.Fprintf(&b, "%sk:\n", strings.Repeat(" ", i))
		}
		fmt.Fprintf(&b, "%sleaf: 1\n", strings.Repeat(" ", depth))
		// and the same through sequences
		var s strings.Builder
		s.WriteString("k:\n")
		for i := range depth {
			fmt.Fprintf(&s, "%s- \n", strings.Repeat(" ", i))
		}
		for _, text := range []string{b.String(), s.String()} {
			fast, diff := sameAsYAML(text)
			if diff != "" {
				t.Fatalf("depth %d: %s", depth, diff)
			}
			_, err := parseDocYAML(text)
			if fast == (err != nil) && depth <= MaxDepth-1 {
				t.Errorf("depth %d: fast=%v, yaml error %v", depth, fast, err)
			}
			if err != nil && fast {
				t.Errorf("depth %d: fast path took a document yaml.v3's path rejects: %v", depth, err)
			}
		}
	}
}

// TestParseWithFastPath: whole streams give the same resources on both paths.
func TestParseWithFastPath(t *testing.T) {
	stream := "---\n# Source: a/templates/x.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  namespace: n\n" +
		"---\n# only a comment\n---\n# Source: a/templates/y.yaml\nkind: ConfigMap\nmetadata: {name: b}\ndata:\n  k: |\n    v\n"
	got, err := Parse("s", []byte(stream))
	if err != nil {
		t.Fatal(err)
	}
	want, err := parse("s", []byte(stream), parseDocYAML)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("Parse differs from the yaml.v3 path (-yaml +fast):\n%s", d)
	}
	if len(got) != 2 || got[0].Name != "a" || got[0].Namespace != "n" || got[1].Source != "a/templates/y.yaml" {
		t.Fatalf("unexpected resources: %+v", got)
	}
}

// FuzzFastYAML: wherever the fast path takes a document, yaml.v3's path
// accepts it too and yields the same resource.
func FuzzFastYAML(f *testing.F) {
	for _, c := range fastCases {
		f.Add(c.text)
	}
	for _, s := range []string{
		"a: |\n  x\n", "a: |-\n  x\n\n", "a: |+\n  x\n\n", "a: >\n  x\n  y\n", "a: >-\n  x\n\n  y\n", "a: >+\n x\n\n",
		"a:\n  - x\n  -   y: 1\n      z: 2\n", "key: 'it''s'\n", "key: \"a: b\"\n", "l:\n- - x\n", "key:\n", "key: #comment\n",
		"- a: 1\n  b: 2\n- c: 3\n", "k: a #b\nj: a#b\n", "image: repo:5000/x:1.0\nurl: http://x\n", "k: v  \n", "",
		"k: 0777\nl: 1e3\nm: .inf\nn: 0x1F\no: +1\np: 1_000\nq: yes\nr: no\ns: on\nt: off\nu: ~\nv: null\n",
		"k: true\nl: True\nm: TRUE\nn: 2001-12-14\no: 2001-12-14t21:59:43.10-05:00\n",
		"a:\n b: |\n   x\n  c\n", "a: >\n\n  x\n", "a: |\n    x\n  y\n", "a:\n-\n -\n", "a: |\n x\n#c\n y\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if _, diff := sameAsYAML(text); diff != "" {
			t.Fatalf("%q: %s", text, diff)
		}
	})
}
