package fix

import (
	"strings"
	"testing"
)

func TestHunks(t *testing.T) {
	lines := func(n int) string {
		var b strings.Builder
		for i := 1; i <= n; i++ {
			b.WriteString("l" + string(rune('a'+i-1)) + "\n")
		}
		return b.String()
	}
	for _, c := range []struct {
		name, a, b, want string
	}{
		{"identical", "x\n", "x\n", ""},
		{"insert in the middle", lines(9), strings.Replace(lines(9), "le\n", "le\nnew\n", 1),
			"@@ -3,6 +3,7 @@\n lc\n ld\n le\n+new\n lf\n lg\n lh\n"},
		{"two changes far apart make two hunks", lines(20), strings.Replace(strings.Replace(lines(20), "lb\n", "LB\n", 1), "ls\n", "LS\n", 1),
			"@@ -1,5 +1,5 @@\n la\n-lb\n+LB\n lc\n ld\n le\n@@ -16,5 +16,5 @@\n lp\n lq\n lr\n-ls\n+LS\n lt\n"},
		{"changes six lines apart share a hunk", lines(12), strings.Replace(strings.Replace(lines(12), "lc\n", "LC\n", 1), "lj\n", "LJ\n", 1),
			"@@ -1,12 +1,12 @@\n la\n lb\n-lc\n+LC\n ld\n le\n lf\n lg\n lh\n li\n-lj\n+LJ\n lk\n ll\n"},
		{"no newline at the end", "a\nb", "a\nb\nc\n",
			"@@ -1,2 +1,3 @@\n a\n-b\n\\ No newline at end of file\n+b\n+c\n"},
		{"append to an empty file", "", "x\n", "@@ -0,0 +1 @@\n+x\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got strings.Builder
			for _, h := range hunks(c.a, c.b) {
				got.WriteString(h.header() + h.Body)
			}
			if got.String() != c.want {
				t.Errorf("got\n%s\nwant\n%s", got.String(), c.want)
			}
		})
	}
}

func TestInsertTopLevel(t *testing.T) {
	block := "#Istio sidecar injection policy\nistioSidecar: true\n"
	for _, c := range []struct {
		name, in, want string
	}{
		{"after the image paragraph, before the next",
			"global:\n  a: 1\n\n# image\nimage: x:1\npullPolicy: Always\n\n# application configuration\nconfig: {}\n",
			"global:\n  a: 1\n\n# image\nimage: x:1\npullPolicy: Always\n\n#Istio sidecar injection policy\nistioSidecar: true\n\n# application configuration\nconfig: {}\n"},
		{"the paragraph runs on through keys and comments without a blank line",
			"repository: r\nimage: x:1\npullPolicy: Always\n# config\nconfig:\n  a: |\n    one\n\n    two\n\nreplicaCount: 1\n",
			"repository: r\nimage: x:1\npullPolicy: Always\n# config\nconfig:\n  a: |\n    one\n\n    two\n\n#Istio sidecar injection policy\nistioSidecar: true\n\nreplicaCount: 1\n"},
		{"no anchor: at the end",
			"service:\n  type: ClusterIP\n",
			"service:\n  type: ClusterIP\n\n#Istio sidecar injection policy\nistioSidecar: true\n"},
		{"no newline at the end",
			"image: x:1",
			"image: x:1\n\n#Istio sidecar injection policy\nistioSidecar: true\n"},
		{"the file ends in a block value without a newline: before the last entry",
			"service:\n  type: ClusterIP\n# the config\nconfig: |\n  [mysqld]\n  a = 1",
			"service:\n  type: ClusterIP\n\n#Istio sidecar injection policy\nistioSidecar: true\n\n# the config\nconfig: |\n  [mysqld]\n  a = 1"},
		{"a |+ value keeps the blank lines after it: no blank line added",
			"image: x\nnote: |+\n  hi\n\n",
			"image: x\nnote: |+\n  hi\n\n#Istio sidecar injection policy\nistioSidecar: true\n"},
		{"an indented top level",
			"  image: x\n  tag: 1\n",
			"  image: x\n  tag: 1\n\n  #Istio sidecar injection policy\n  istioSidecar: true\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, err := parseValues("values.yaml", []byte(c.in))
			if err != nil {
				t.Fatal(err)
			}
			got, err := applyEdits([]byte(c.in), []Edit{d.insertTopLevel(block)})
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}

func TestEnsureEntry(t *testing.T) {
	entry := `sidecar.istio.io/inject: "true"`
	for _, c := range []struct {
		name, in, want, err string
	}{
		{"block map: appended, comments kept",
			"podAnnotations:\n  # checksum\n  a: b\n\nother: 1\n",
			"podAnnotations:\n  # checksum\n  a: b\n  " + entry + "\n\nother: 1\n", ""},
		{"empty flow map becomes a block",
			"image: x\n\npodAnnotations: {}\nother: 1\n",
			"image: x\n\npodAnnotations:\n  " + entry + "\nother: 1\n", ""},
		{"null",
			"podAnnotations:\nother: 1\n",
			"podAnnotations:\n  " + entry + "\nother: 1\n", ""},
		{"absent: a new paragraph",
			"image: x\npullPolicy: Always\n\nother: 1\n",
			"image: x\npullPolicy: Always\n\n# why\npodAnnotations:\n  " + entry + "\n\nother: 1\n", ""},
		{"last in a file without a trailing newline",
			"image: x\npodAnnotations:\n  a: b",
			"image: x\npodAnnotations:\n  a: b\n  " + entry + "\n", ""},
		{"null before CRLF",
			"podAnnotations:\r\nother: 1\r\n",
			"podAnnotations:\r\n  " + entry + "\r\nother: 1\r\n", ""},
		{"non-empty flow map is refused", "podAnnotations: {a: b}\n", "", "inline (flow) map"},
		{"an anchored map is refused", "podAnnotations: &p\n  a: b\nother: *p\n", "", "anchored"},
		{"a scalar is refused", "podAnnotations: none\n", "", "is not a map"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, err := parseValues("values.yaml", []byte(c.in))
			if err != nil {
				t.Fatal(err)
			}
			e, changed, err := d.ensureEntry("podAnnotations", "sidecar.istio.io/inject", entry, "# why")
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want one containing %q", err, c.err)
				}
				return
			}
			if err != nil || !changed {
				t.Fatalf("changed=%v err=%v", changed, err)
			}
			got, err := applyEdits([]byte(c.in), []Edit{e})
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != c.want {
				t.Errorf("got\n%q\nwant\n%q", got, c.want)
			}
		})
	}
}

func TestAddToMappingAtTheEnd(t *testing.T) {
	in := "ports:\n  - port: 80\n    name: web" // no trailing newline
	d, err := parseValues("values.yaml", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	e, err := d.addToMapping(d.Find([]any{"ports", 0}), "appProtocol", "http")
	if err != nil {
		t.Fatal(err)
	}
	got, err := applyEdits([]byte(in), []Edit{e})
	if err != nil {
		t.Fatal(err)
	}
	if want := in + "\n    appProtocol: http\n"; string(got) != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestReplaceScalarKeepsQuoting(t *testing.T) {
	in := "service:\n  a: web # the port\n  b: \"web\"\n  c: 'web'\n"
	d, err := parseValues("values.yaml", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	var es []Edit
	for _, k := range []string{"a", "b", "c"} {
		e, err := d.replaceScalar(d.Find([]any{"service", k}), "http-web")
		if err != nil {
			t.Fatal(err)
		}
		es = append(es, e)
	}
	got, err := applyEdits([]byte(in), es)
	if err != nil {
		t.Fatal(err)
	}
	want := "service:\n  a: http-web # the port\n  b: \"http-web\"\n  c: 'http-web'\n"
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestApplyEditsConflicts(t *testing.T) {
	in := []byte("abcdef")
	if _, err := applyEdits(in, []Edit{{Off: 1, Del: 2, Ins: "X"}, {Off: 2, Del: 1, Ins: "Y"}}); err == nil {
		t.Error("overlapping edits applied")
	}
	got, err := applyEdits(in, []Edit{{Off: 1, Del: 1, Ins: "X"}, {Off: 1, Del: 1, Ins: "X"}, {Off: 6, Ins: "!"}})
	if err != nil || string(got) != "aXcdef!" {
		t.Errorf("got %q, %v", got, err)
	}
	if !conflicts(Edit{File: "f", Off: 3, Ins: "x"}, []Edit{{File: "f", Off: 2, Del: 3, Ins: "y"}}) {
		t.Error("an insertion inside a replaced span is a conflict")
	}
	if conflicts(Edit{File: "f", Off: 2, Del: 3, Ins: "y"}, []Edit{{File: "f", Off: 2, Del: 3, Ins: "y"}}) {
		t.Error("an identical edit is not a conflict")
	}
}
