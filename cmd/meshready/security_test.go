package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/meshready/meshready/internal/testutil"
)

// hostileCase is one hostile input: how to build it in a scratch tree, the
// command to run, and what meshready must answer.
type hostileCase struct {
	name  string
	setup func(t *testing.T, root string) (args []string, stdin string)
	code  int    // wanted exit code
	msg   string // fragment the stderr (or stdout) must contain
	// check runs extra assertions on the output
	check func(t *testing.T, stdout, stderr string)
}

func chart(t *testing.T, dir, name string, files map[string]string) string {
	t.Helper()
	d := filepath.Join(dir, name)
	files["Chart.yaml"] = fmt.Sprintf("apiVersion: v2\nname: %s\nversion: 1.0.0\n", name) + files["Chart.yaml"]
	testutil.WriteFiles(t, d, files)
	return d
}

const cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\n"

func tgz(t *testing.T, path string, entries map[string][]byte) {
	t.Helper()
	var b bytes.Buffer
	gz := gzip.NewWriter(&b)
	tw := tar.NewWriter(gz)
	for name, data := range entries {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg})
		tw.Write(data)
	}
	tw.Close()
	gz.Close()
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func hostileCases(listener string) []hostileCase {
	laughs := "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
	for i, prev := 1, "a"; i < 10; i++ {
		n := string(rune('a' + i))
		laughs += fmt.Sprintf("%s: &%s [*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s]\n", n, n, prev, prev, prev, prev, prev, prev, prev, prev, prev)
		prev = n
	}
	deep := "x: " + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "\n"
	return []hostileCase{
		{"file:// dependency leaving the tree", func(t *testing.T, root string) ([]string, string) {
			d := chart(t, root, "escape", map[string]string{"Chart.yaml": "dependencies:\n- name: outside\n  version: 1.0.0\n  repository: file://../../outside\n"})
			chart(t, filepath.Dir(root), "outside", map[string]string{"templates/cm.yaml": cm})
			return []string{"render", d}, ""
		}, 2, "leaves the linted tree", nil},
		{"symlink to a file outside the tree", func(t *testing.T, root string) ([]string, string) {
			d := chart(t, root, "link", map[string]string{"templates/cm.yaml": cm})
			os.Symlink("/etc/hostname", filepath.Join(d, "templates", "leak.yaml"))
			return []string{"render", d}, ""
		}, 2, "symlink to /etc/hostname", nil},
		{"packaged chart with a path traversal entry", func(t *testing.T, root string) ([]string, string) {
			p := filepath.Join(root, "traversal.tgz")
			tgz(t, p, map[string][]byte{"c/Chart.yaml": []byte("apiVersion: v2\nname: c\nversion: 1.0.0\n"), "c/../../evil.yaml": []byte(cm)})
			return []string{"render", p}, ""
		}, 2, "traversal.tgz", nil},
		{"packaged chart that decompresses beyond the limit", func(t *testing.T, root string) ([]string, string) {
			p := filepath.Join(root, "bomb.tgz")
			tgz(t, p, map[string][]byte{"c/Chart.yaml": []byte("apiVersion: v2\nname: c\nversion: 1.0.0\n"), "c/files/zeros": make([]byte, 80<<20)})
			return []string{"render", p}, ""
		}, 2, "larger than the maximum", nil},
		{"dependency cycle", func(t *testing.T, root string) ([]string, string) {
			a := chart(t, root, "cyc-a", map[string]string{"Chart.yaml": "dependencies:\n- name: cyc-b\n  version: 1.0.0\n  repository: file://../cyc-b\n"})
			chart(t, root, "cyc-b", map[string]string{"Chart.yaml": "dependencies:\n- name: cyc-a\n  version: 1.0.0\n  repository: file://../cyc-a\n"})
			return []string{"render", a}, ""
		}, 2, "dependency cycle", nil},
		{"template that recurses without end", func(t *testing.T, root string) ([]string, string) {
			d := chart(t, root, "recurse", map[string]string{"templates/a.yaml": "{{- define \"x\" }}{{ include \"x\" . }}{{ end }}{{ include \"x\" . }}\n"})
			return []string{"render", d}, ""
		}, 2, "nested reference", nil},
		{"template that loops past the time limit", func(t *testing.T, root string) ([]string, string) {
			d := chart(t, root, "loop", map[string]string{"templates/a.yaml": "{{ range until 30000 }}{{ range until 30000 }}{{ end }}{{ end }}\n"})
			return []string{"render", "--timeout", "2s", d}, ""
		}, 2, "time limit", nil},
		{"values nested absurdly deep", func(t *testing.T, root string) ([]string, string) {
			d := chart(t, root, "deep", map[string]string{"templates/cm.yaml": cm, "values.yaml": deep})
			return []string{"render", d}, ""
		}, 2, "values.yaml", nil},
		{"values with billion-laughs aliases", func(t *testing.T, root string) ([]string, string) {
			d := chart(t, root, "laughs", map[string]string{"templates/cm.yaml": cm, "values.yaml": laughs})
			return []string{"render", d}, ""
		}, 2, "excessive aliasing", nil},
		{"manifests with billion-laughs aliases (stdin)", func(t *testing.T, root string) ([]string, string) {
			return []string{"lint", "-"}, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n" + laughs
		}, 2, "stdin", nil},
		{"manifests nested absurdly deep (stdin)", func(t *testing.T, root string) ([]string, string) {
			return []string{"lint", "-"}, "kind: ConfigMap\nmetadata:\n  name: x\ndata: " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "\n"
		}, 2, "nested deeper", nil},
		{"a file too large to be part of a chart", func(t *testing.T, root string) ([]string, string) {
			d := chart(t, root, "huge", map[string]string{"templates/cm.yaml": cm, "files/blob.bin": strings.Repeat("x", 5<<20)})
			return []string{"render", d}, ""
		}, 2, "larger than the maximum file size", nil},
		{"getHostByName in a template resolves nothing", func(t *testing.T, root string) ([]string, string) {
			d := chart(t, root, "dns", map[string]string{"templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dns\ndata:\n  ip: \"{{ getHostByName \"localhost\" }}\"\n"})
			return []string{"render", d}, ""
		}, 0, `ip: ""`, nil},
		{"lookup in a template finds nothing", func(t *testing.T, root string) ([]string, string) {
			d := chart(t, root, "lookup", map[string]string{"templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: l\ndata:\n  n: \"{{ len (lookup \"v1\" \"Secret\" \"kube-system\" \"\") }}\"\n"})
			return []string{"render", d}, ""
		}, 0, `n: "0"`, nil},
		{"policy calling http.send towards a local listener", func(t *testing.T, root string) ([]string, string) {
			p := filepath.Join(root, "pol-net")
			os.MkdirAll(p, 0o755)
			os.WriteFile(filepath.Join(p, "r.rego"), []byte(policyHeader("phone-home")+fmt.Sprintf("findings contains f if {\n\tr := http.send({\"method\": \"get\", \"url\": \"http://%s/\"})\n\tf := {\"resource\": 0, \"message\": r.body}\n}\n", listener)), 0o644)
			return []string{"lint", "--policy", p, "charts-fixtures/good"}, ""
		}, 2, "http.send", nil},
		{"policy reading the environment", func(t *testing.T, root string) ([]string, string) {
			p := filepath.Join(root, "pol-env")
			os.MkdirAll(p, 0o755)
			os.WriteFile(filepath.Join(p, "r.rego"), []byte(policyHeader("env-reader")+"findings contains f if {\n\tf := {\"resource\": 0, \"message\": opa.runtime().env.HOME}\n}\n"), 0o644)
			return []string{"lint", "--policy", p, "charts-fixtures/good"}, ""
		}, 2, "opa.runtime", nil},
		{"policy that loops", func(t *testing.T, root string) ([]string, string) {
			p := filepath.Join(root, "pol-loop")
			os.MkdirAll(p, 0o755)
			os.WriteFile(filepath.Join(p, "r.rego"), []byte(policyHeader("busy-loop")+"findings contains f if {\n\tn := count([1 | some a in numbers.range(1, 100000); some b in numbers.range(1, 100000); a == 0 - b])\n\tf := {\"resource\": 0, \"message\": sprintf(\"%d\", [n])}\n}\n"), 0o644)
			return []string{"lint", "--policy", p, "--policy-timeout", "2s", "charts-fixtures/good"}, ""
		}, 2, "busy-loop", nil},
		{"policy that puts Secret data in its message", func(t *testing.T, root string) ([]string, string) {
			p := filepath.Join(root, "pol-secret")
			os.MkdirAll(p, 0o755)
			os.WriteFile(filepath.Join(p, "r.rego"), []byte(policyHeader("secret-echo")+"findings contains f if {\n\tsome i, r in input.resources\n\tr.kind == \"Secret\"\n\tsome k, v in r.data\n\tf := {\"resource\": i, \"field\": sprintf(\"data[%q]\", [k]), \"value\": v, \"message\": sprintf(\"value %s / %s\", [v, base64.decode(v)])}\n}\n"), 0o644)
			d := chart(t, root, "secret", map[string]string{"templates/s.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  password: aHVudGVyMjJwYXNzd29yZA==\n"})
			return []string{"lint", "--policy", p, "-o", "json", "--fail-on", "none", d}, ""
		}, 0, "redacted", func(t *testing.T, stdout, stderr string) {
			if strings.Contains(stdout+stderr, "aHVudGVyMjJwYXNzd29yZA") || strings.Contains(stdout+stderr, "hunter22password") {
				t.Errorf("Secret data reached the report:\n%s", stdout)
			}
		}},
		{"configuration with an unknown field", func(t *testing.T, root string) ([]string, string) {
			p := filepath.Join(root, "bad-config.yaml")
			os.WriteFile(p, []byte("rules:\n  disable: [x]\nsurprise: true\n"), 0o644)
			return []string{"lint", "--config", p, "charts-fixtures/good"}, ""
		}, 2, "surprise", nil},
		{"KRM function given a list instead of objects", func(t *testing.T, root string) ([]string, string) {
			return []string{"fn"}, "    -"
		}, 2, "not a Kubernetes object", nil},
	}
}

func policyHeader(id string) string {
	return fmt.Sprintf("# METADATA\n# title: T\n# description: D\n# custom:\n#   id: %s\n#   severity: warning\n#   family: ports\n#   remediation: R\npackage meshready.rules.%s\n\n", id, strings.ReplaceAll(id, "-", "_"))
}

// treeHash fingerprints every file (path, mode, content) under root.
func treeHash(t *testing.T, root string) string {
	h := sha256.New()
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		info, _ := d.Info()
		fmt.Fprintf(h, "%s %v\n", p, info.Mode())
		if d.Type().IsRegular() {
			b, _ := os.ReadFile(p)
			h.Write(b)
		}
		return nil
	})
	return fmt.Sprintf("%x", h.Sum(nil))
}

// TestHostileInputs tries each hostile input against the built binary: the
// exit code and message are as documented, nothing panics, nothing runs past
// its limit, no file changes, and a listener opened for a network-reaching
// policy sees no connection. The table in SECURITY.md is this test's output
// (-update rewrites it).
func TestHostileInputs(t *testing.T) {
	bin := testutil.Tool(t, "meshready")
	if b := os.Getenv("MESHREADY_TEST_BIN"); b != "" {
		bin = b // another build, e.g. main's, to show which cases it fails
	}
	repo := testutil.RepoRoot(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var rows []string
	for _, c := range append(hostileCases(ln.Addr().String()), reliabilityCases()...) {
		t.Run(c.name, func(t *testing.T) {
			scratch := t.TempDir()
			root := filepath.Join(scratch, "tree")
			chart(t, filepath.Join(root, "common"), "common", map[string]string{})
			args, stdin := c.setup(t, root)
			before, repoBefore := treeHash(t, scratch), treeHash(t, filepath.Join(repo, "charts-fixtures"))
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, args...)
			cmd.Dir = repo
			cmd.Stdin = strings.NewReader(stdin)
			var o, e bytes.Buffer
			cmd.Stdout, cmd.Stderr = &o, &e
			start := time.Now()
			err := cmd.Run()
			took := time.Since(start)
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if ctx.Err() != nil {
				t.Fatalf("hung: still running after 60s")
			}
			out := o.String() + e.String()
			if code != c.code {
				t.Errorf("exit code %d, want %d\n%s", code, c.code, out)
			}
			if !strings.Contains(out, c.msg) {
				t.Errorf("output lacks %q:\n%.2000s", c.msg, out)
			}
			if strings.Contains(out, "goroutine ") || strings.Contains(out, "panic") {
				t.Errorf("a panic or Go stack reached the user:\n%.2000s", out)
			}
			if treeHash(t, scratch) != before || treeHash(t, filepath.Join(repo, "charts-fixtures")) != repoBefore {
				t.Errorf("a file changed")
			}
			if c.check != nil {
				c.check(t, o.String(), e.String())
			}
			// the line that says it (lint reports chart errors in its report)
			msg := ""
			for _, l := range strings.Split(out, "\n") {
				if strings.Contains(l, c.msg) {
					msg = strings.TrimSpace(l)
					break
				}
			}
			if c.code == 0 {
				msg = "(accepted) " + msg
			}
			// Reports print paths relative to the working folder, so the
			// scratch folder appears as ../../tmp/... whose depth depends on
			// where the checkout lives; both forms become "…".
			if rel, err := filepath.Rel(repo, scratch); err == nil {
				msg = strings.ReplaceAll(msg, rel, "…")
			}
			msg = strings.ReplaceAll(msg, scratch, "…")
			msg = strings.ReplaceAll(msg, repo, "<checkout>") // the repository root bounds -f files
			// which of the forty slow policies was running when the time
			// limit passed depends on the machine's speed
			msg = whichSlowRule.ReplaceAllString(msg, "rule slow-? (…/tree/pol-slow/?.rego)")
			msg = strings.ReplaceAll(msg, "|", "\\|")
			msg = collapseRuns(msg) // a filler's length varies with the scratch path's
			if r := []rune(msg); len(r) > 160 {
				msg = string(r[:160]) + "…"
			}
			rows = append(rows, fmt.Sprintf("| %s | `meshready %s` | %d | %.1fs | %s |", c.name, args[0], code, took.Seconds(), msg))
		})
	}
	ln.(*net.TCPListener).SetDeadline(time.Now().Add(200 * time.Millisecond))
	if conn, err := ln.Accept(); err == nil {
		conn.Close()
		t.Errorf("the loopback listener saw a connection from a policy")
	}
	table := "| hostile input | command | exit | time | message |\n|---|---|---|---|---|\n" + strings.Join(rows, "\n") + "\n"
	testutil.GoldenSection(t, filepath.Join(repo, "SECURITY.md"), "hostile-inputs", table, withoutTimes)
}

// whichSlowRule is the rule the forty-policies row names.
var whichSlowRule = regexp.MustCompile(`rule slow-\d+ \(…/tree/pol-slow/\d+\.rego\)`)

// withoutTimes blanks the time column of the hostile-inputs table, which
// varies from run to run.
func withoutTimes(x string) string {
	var out []string
	for _, l := range strings.Split(x, "\n") {
		cells := strings.Split(l, " | ")
		if len(cells) == 5 {
			cells[3] = ""
		}
		out = append(out, strings.Join(cells, " | "))
	}
	return strings.Join(out, "\n")
}

// collapseRuns shortens every run of more than 8 identical runes to 8 and "…".
func collapseRuns(s string) string {
	var out []rune
	run := 0
	var prev rune = -1
	for _, r := range s {
		if r == prev {
			run++
		} else {
			prev, run = r, 1
		}
		switch {
		case run <= 8:
			out = append(out, r)
		case run == 9:
			out = append(out, '…')
		}
	}
	return string(out)
}
