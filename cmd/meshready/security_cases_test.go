package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// deployment is a workload with no sidecar: the sidecar-injection rule
// reports it (an error), quoting its name.
func deployment(name string) string {
	return fmt.Sprintf("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s\nspec:\n  selector:\n    matchLabels: {app: x}\n  template:\n    metadata:\n      labels: {app: x}\n    spec:\n      containers:\n      - name: c\n        image: busybox\n", name)
}

func writePolicy(t *testing.T, dir, name, body string) string {
	t.Helper()
	os.MkdirAll(dir, 0o755)
	if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func noLeak(needles ...string) func(t *testing.T, stdout, stderr string) {
	return func(t *testing.T, stdout, stderr string) {
		for _, n := range needles {
			if strings.Contains(stdout+stderr, n) {
				t.Errorf("%q reached the output:\n%.2000s", n, stdout+stderr)
			}
		}
	}
}

// reliabilityCases are the hostile inputs of the reliability review (issue
// #20): each was accepted, leaked or crashed before.
func reliabilityCases() []hostileCase {
	return []hostileCase{
		{"policy symlinked to /proc/self/environ", func(t *testing.T, root string) ([]string, string) {
			p := filepath.Join(root, "pol-proc")
			os.MkdirAll(p, 0o755)
			os.Symlink("/proc/self/environ", filepath.Join(p, "r.rego"))
			return []string{"lint", "--policy", p, "charts-fixtures/good"}, ""
		}, 2, "symlink target leaves", noLeak("PATH=", "HOME=")},
		{"policy that is a FIFO", func(t *testing.T, root string) ([]string, string) {
			p := filepath.Join(root, "pol-fifo")
			os.MkdirAll(p, 0o755)
			if err := syscall.Mkfifo(filepath.Join(p, "r.rego"), 0o644); err != nil {
				t.Fatal(err)
			}
			return []string{"lint", "--policy", p, "charts-fixtures/good"}, ""
		}, 2, "not a regular file (a FIFO)", nil},
		{"a 3 MB one-line policy that does not parse", func(t *testing.T, root string) ([]string, string) {
			p := writePolicy(t, filepath.Join(root, "pol-long"), "r.rego", "package x\n"+strings.Repeat("é", 3<<19)+"\n")
			return []string{"lint", "--policy", p, "charts-fixtures/good"}, ""
		}, 2, "rego_parse_error", func(t *testing.T, stdout, stderr string) {
			if len(stderr) > 2000 {
				t.Errorf("%d bytes of stderr for one error", len(stderr))
			}
		}},
		{"configuration values: naming a file outside the repository", func(t *testing.T, root string) ([]string, string) {
			d := chart(t, root, "cfg-values", map[string]string{"templates/cm.yaml": cm})
			os.WriteFile(filepath.Join(d, ".meshready.yaml"), []byte("values:\n  \"*\": [/etc/hostname]\n"), 0o644)
			return []string{"lint", d}, ""
		}, 2, "values file /etc/hostname: the file leaves", nil},
		{".meshready.yaml planted in a shared folder above the tree", func(t *testing.T, root string) ([]string, string) {
			shared := filepath.Join(root, "shared")
			os.MkdirAll(shared, 0o755)
			os.Chmod(shared, 0o1777)
			os.WriteFile(filepath.Join(shared, ".meshready.yaml"), []byte("failOn: none\n"), 0o644)
			d := chart(t, filepath.Join(shared, "work"), "planted", map[string]string{"templates/d.yaml": deployment("planted")})
			return []string{"lint", d}, ""
		}, 1, "sidecar-injection", nil},
		{"baseline symlinked to a file outside the repository", func(t *testing.T, root string) ([]string, string) {
			b := filepath.Join(root, "baseline.json")
			os.Symlink("/etc/passwd", b)
			return []string{"lint", "--baseline", b, "charts-fixtures/good"}, ""
		}, 2, "baseline.json: its symlink target leaves", noLeak("root:")},
		{"resource name forging a workflow command and a terminal title", func(t *testing.T, root string) ([]string, string) {
			d := chart(t, root, "forge", map[string]string{"templates/d.yaml": deployment(`"x\n::error file=forged.yaml::forged \u001b]0;pwned\u0007 \u202eexe.txt"`)})
			return []string{"lint", "-o", "github", d}, ""
		}, 1, `x\n::error file=forged.yaml::forged \x1b]0;pwned\x07 \u202eexe.txt`, func(t *testing.T, stdout, stderr string) {
			for _, l := range strings.Split(stdout+stderr, "\n") {
				if strings.HasPrefix(l, "::error file=forged") || strings.ContainsAny(l, "\x1b\u202e") {
					t.Errorf("a raw control reached the output: %q", l)
				}
			}
		}},
		{"--changed-files with a C-quoted non-ASCII path (git diff --name-only)", func(t *testing.T, root string) ([]string, string) {
			chart(t, root, "café", map[string]string{"templates/cm.yaml": cm})
			return []string{"lint", "--repo-root", root, "--changed-files", "-", root}, "\"caf\\303\\251/values.yaml\"\n"
		}, 0, "selected café", nil},
		{"--changed-files as a NUL-separated list (git diff -z)", func(t *testing.T, root string) ([]string, string) {
			chart(t, root, "zlist", map[string]string{"templates/cm.yaml": cm})
			return []string{"lint", "--repo-root", root, "--changed-files", "-", root}, "zlist/values.yaml\x00other\x00"
		}, 0, "selected zlist", nil},
		{"template that allocates past the memory ceiling (until 100000000)", func(t *testing.T, root string) ([]string, string) {
			d := chart(t, root, "alloc", map[string]string{"templates/a.yaml": "{{ range until 100000000 }}{{ end }}\n"})
			return []string{"render", "--max-memory", "256MiB", d}, ""
		}, 2, "memory ceiling of 256 MiB passed while rendering chart alloc", nil},
		{"tpl recursing through values", func(t *testing.T, root string) ([]string, string) {
			d := chart(t, root, "tplrec", map[string]string{"values.yaml": "a: \"{{ tpl .Values.a . }}\"\n", "templates/a.yaml": "x: {{ tpl .Values.a . }}\n"})
			return []string{"render", d}, ""
		}, 2, "stack memory passed 64 MiB while rendering chart tplrec", nil},
		{"policy that builds a string of gigabytes (strings.replace_n)", func(t *testing.T, root string) ([]string, string) {
			body := "findings contains f if {\n\ts0 := \"aaaaaaaaaaaaaaaa\"\n"
			for i := 1; i <= 8; i++ {
				body += fmt.Sprintf("\ts%d := strings.replace_n({\"a\": s0}, s%d)\n", i, i-1)
			}
			body += "\tf := {\"resource\": 0, \"message\": sprintf(\"%d\", [count(s8)])}\n}\n"
			p := writePolicy(t, filepath.Join(root, "pol-mem"), "r.rego", policyHeader("mem-hog")+body)
			return []string{"lint", "--max-memory", "512MiB", "--policy", p, "charts-fixtures/good"}, ""
		}, 2, "memory ceiling of 512 MiB passed while evaluating rule mem-hog (", func(t *testing.T, stdout, stderr string) {
			if !strings.Contains(stderr, "pol-mem/r.rego, package meshready.rules.mem_hog)") {
				t.Errorf("the line does not name the policy file and package:\n%s", stderr)
			}
		}},
		// Forty policies of about 0.1 s each: none near the 1 s limit alone, all of them
		// together several times past it on a machine much faster than this one.
		{"forty policies, none slow alone, together past the time limit", func(t *testing.T, root string) ([]string, string) {
			p := filepath.Join(root, "pol-slow")
			for i := range 40 {
				c := fmt.Sprintf("%02d", i)
				writePolicy(t, p, c+".rego", policyHeader("slow-"+c)+"findings contains f if {\n\tn := count([1 | some a in numbers.range(1, 450); some b in numbers.range(1, 450); a == 0 - b])\n\tf := {\"resource\": 0, \"message\": sprintf(\"%d\", [n])}\n}\n")
			}
			return []string{"lint", "--policy", p, "--policy-timeout", "1s", "charts-fixtures/good"}, ""
		}, 2, "was running when policy evaluation passed its 1s time limit", nil},
		{"policy that reports Secret data and a --set password on another resource, upper-cased", func(t *testing.T, root string) ([]string, string) {
			body := "findings contains f if {\n\tsome r in input.resources\n\tr.kind == \"Secret\"\n\tsome v in r.data\n\tsome i, c in input.resources\n\tc.kind == \"ConfigMap\"\n\tf := {\"resource\": i, \"field\": \"data.pw\", \"value\": c.data.pw, \"message\": sprintf(\"leak %s %s\", [upper(base64.decode(v)), c.data.pw])}\n}\n"
			p := writePolicy(t, filepath.Join(root, "pol-leak"), "r.rego", policyHeader("secret-leak")+body)
			d := chart(t, root, "leak", map[string]string{
				"templates/s.yaml":  "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  password: aHVudGVyMjJwYXNzd29yZA==\n",
				"templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  pw: {{ .Values.global.masterPassword | quote }}\n",
			})
			return []string{"lint", "--policy", p, "--set", "global.masterPassword=Ci-Master-Pw-42", "-o", "text", "--fail-on", "none", d}, ""
		}, 0, "leak <redacted> <redacted>", noLeak("HUNTER22PASSWORD", "hunter22password", "Ci-Master-Pw-42")},
		{"manifest whose aliases expand to a billion nodes (415 KB, stdin)", func(t *testing.T, root string) ([]string, string) {
			return []string{"lint", "-"}, "kind: ConfigMap\nmetadata: {name: x}\na: &a [" + strings.Repeat("1,", 200000) + "1]\nb: [" + strings.Repeat("*a,", 4999) + "*a]\n"
		}, 2, "aliases expand to more than", nil},
		{"workload wrapped in a kind: List", func(t *testing.T, root string) ([]string, string) {
			d := chart(t, root, "listed", map[string]string{"templates/l.yaml": "apiVersion: v1\nkind: List\nitems:\n- " + strings.ReplaceAll(strings.TrimSuffix(deployment("in-a-list"), "\n"), "\n", "\n  ") + "\n"})
			return []string{"lint", d}, ""
		}, 1, "Deployment 'in-a-list' gets no Istio sidecar", nil},
		{"lint --output-file onto a symlink", func(t *testing.T, root string) ([]string, string) {
			os.WriteFile(filepath.Join(root, "keep.txt"), []byte("keep"), 0o644)
			os.Symlink("keep.txt", filepath.Join(root, "out.txt"))
			return []string{"lint", "--output-file", filepath.Join(root, "out.txt"), "charts-fixtures/good"}, ""
		}, 2, "is a symlink to keep.txt", nil},
		{"baseline update of a read-only baseline", func(t *testing.T, root string) ([]string, string) {
			b := filepath.Join(root, "ro-baseline.json")
			os.WriteFile(b, []byte("{\"version\": 1, \"findings\": []}\n"), 0o444)
			return []string{"lint", "--baseline", b, "--baseline-update", "charts-fixtures/good"}, ""
		}, 2, "is read-only", nil},
		{"KRM function given 70 MB of Services on stdin", func(t *testing.T, root string) ([]string, string) {
			svc := "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - port: 80\n"
			return []string{"fn"}, strings.Repeat(svc, (70<<20)/len(svc))
		}, 2, "larger than the 67108864 byte limit", nil},
		{"KRM function given items: 42", func(t *testing.T, root string) ([]string, string) {
			return []string{"fn"}, "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: 42\n"
		}, 2, "not a list of objects", nil},
		{"KRM function given a map with no kind", func(t *testing.T, root string) ([]string, string) {
			return []string{"fn"}, "metadata: {name: x}\ndata: {a: b}\n"
		}, 2, "has no kind", nil},
		{"packaged chart nesting packaged subcharts that together decompress past the limit", func(t *testing.T, root string) ([]string, string) {
			p := filepath.Join(root, "nested.tgz")
			entries := map[string][]byte{"c/Chart.yaml": []byte("apiVersion: v2\nname: c\nversion: 1.0.0\n")}
			for i := 0; i < 4; i++ {
				sub := filepath.Join(root, fmt.Sprintf("s%d.tgz", i))
				tgz(t, sub, map[string][]byte{fmt.Sprintf("s%d/Chart.yaml", i): []byte(fmt.Sprintf("apiVersion: v2\nname: s%d\nversion: 1.0.0\n", i)), fmt.Sprintf("s%d/files/zeros", i): make([]byte, 30<<20)})
				b, _ := os.ReadFile(sub)
				os.Remove(sub)
				entries[fmt.Sprintf("c/charts/s%d.tgz", i)] = b
			}
			tgz(t, p, entries)
			return []string{"render", p}, ""
		}, 2, "its nested packaged charts included", nil},
		{"packaged chart with 25,000 files", func(t *testing.T, root string) ([]string, string) {
			p := filepath.Join(root, "many.tgz")
			entries := map[string][]byte{"c/Chart.yaml": []byte("apiVersion: v2\nname: c\nversion: 1.0.0\n")}
			for i := 0; i < 25000; i++ {
				entries[fmt.Sprintf("c/templates/t%d.yaml", i)] = nil
			}
			tgz(t, p, entries)
			return []string{"render", p}, ""
		}, 2, "more than 20000 files", nil},
		{"--values naming a file outside the repository", func(t *testing.T, root string) ([]string, string) {
			return []string{"lint", "-f", "/etc/hostname", "charts-fixtures/good"}, ""
		}, 2, "--values file /etc/hostname: the file leaves", nil},
		{"--values that is a FIFO (with --allow-outside-root)", func(t *testing.T, root string) ([]string, string) {
			p := filepath.Join(root, "values.fifo")
			if err := syscall.Mkfifo(p, 0o644); err != nil {
				t.Fatal(err)
			}
			return []string{"render", "--allow-outside-root", "-f", p, "charts-fixtures/good"}, ""
		}, 2, "not a regular file (a FIFO)", nil},
		{"--set-file naming a file outside the repository", func(t *testing.T, root string) ([]string, string) {
			return []string{"render", "--set-file", "x=/etc/passwd", "charts-fixtures/good"}, ""
		}, 2, "--set-file file /etc/passwd: the file leaves", noLeak("root:")},
		{"--set-file of 5 MB (with --allow-outside-root)", func(t *testing.T, root string) ([]string, string) {
			p := filepath.Join(root, "big.txt")
			os.WriteFile(p, []byte(strings.Repeat("x", 5<<20)), 0o644)
			return []string{"lint", "--allow-outside-root", "--set-file", "x=" + p, "charts-fixtures/good"}, ""
		}, 2, "5242880 bytes is larger than the 4194304 byte limit", nil},
		{"--umbrella whose values.yaml is a symlink out of the umbrella", func(t *testing.T, root string) ([]string, string) {
			u := chart(t, root, "umbrella", map[string]string{"templates/cm.yaml": cm})
			os.Symlink("/etc/passwd", filepath.Join(u, "values.yaml"))
			return []string{"render", "--umbrella", u, "charts-fixtures/good"}, ""
		}, 2, "values.yaml: its symlink target leaves", noLeak("root:")},
		{"policy symlinked out of its folder, with --allow-outside-root", func(t *testing.T, root string) ([]string, string) {
			writePolicy(t, filepath.Join(root, "shared-policies"), "r.rego", policyHeader("outside-ok")+"findings contains f if {\n\tf := {\"resource\": 0, \"message\": \"read from outside\"}\n}\n")
			p := filepath.Join(root, "pol-link")
			os.MkdirAll(p, 0o755)
			os.Symlink(filepath.Join(root, "shared-policies", "r.rego"), filepath.Join(p, "r.rego"))
			return []string{"lint", "--allow-outside-root", "--policy", p, "--fail-on", "none", "charts-fixtures/good"}, ""
		}, 0, "outside-ok", nil},
		{"baseline symlinked out of its folder, with --allow-outside-root", func(t *testing.T, root string) ([]string, string) {
			os.MkdirAll(filepath.Join(root, "elsewhere"), 0o755)
			os.WriteFile(filepath.Join(root, "elsewhere", "b.json"), []byte("{\"version\": 1, \"findings\": []}\n"), 0o644)
			os.MkdirAll(filepath.Join(root, "repo"), 0o755)
			b := filepath.Join(root, "repo", "baseline.json")
			os.Symlink(filepath.Join(root, "elsewhere", "b.json"), b)
			return []string{"lint", "--allow-outside-root", "--baseline", b, "charts-fixtures/good"}, ""
		}, 0, "charts 1", nil},
	}
}
