package action

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meshready/meshready/internal/config"
	"github.com/meshready/meshready/internal/testutil"
)

// result is what an action printed and the exit status its error asks for.
type result struct {
	out, err string
	code     int
	e        error
}

// call runs an action with in on stdin and captures its streams.
func call(in string, run func(IO) error) result {
	var o, e bytes.Buffer
	err := run(IO{In: strings.NewReader(in), Out: &o, Err: &e})
	return result{out: o.String(), err: e.String(), code: Code(err), e: err}
}

// fixture is a chart of the repository's charts-fixtures tree.
func fixture(t *testing.T, name string) string {
	return filepath.Join(testutil.RepoRoot(t), "charts-fixtures", name)
}

// check compares an action's result with the status and fragments wanted
// on stdout and stderr (the message of a returned error counts as stderr,
// as main prints it there).
func (r result) check(t *testing.T, code int, out, stderr string) {
	t.Helper()
	msg := r.err
	if r.e != nil {
		msg += r.e.Error()
	}
	if r.code != code {
		t.Fatalf("exit %d, want %d\nstdout: %.2000s\nstderr: %s", r.code, code, r.out, msg)
	}
	if !strings.Contains(r.out, out) {
		t.Errorf("stdout lacks %q:\n%.2000s", out, r.out)
	}
	if !strings.Contains(msg, stderr) {
		t.Errorf("stderr lacks %q:\n%s", stderr, msg)
	}
}

func TestExitAndCode(t *testing.T) {
	boom := errors.New("boom")
	for _, c := range []struct {
		name string
		err  error
		want int
	}{
		{"nil", Exit(ExitOK, nil), ExitOK},
		{"findings", Exit(ExitFindings, nil), ExitFindings},
		{"an error without a code is a usage error", Exit(ExitOK, boom), ExitError},
		{"plain error", boom, ExitError},
		{"wrapped", errors.Join(Exit(ExitFindings, nil)), ExitFindings},
	} {
		if got := Code(c.err); got != c.want {
			t.Errorf("%s: Code = %d, want %d", c.name, got, c.want)
		}
	}
}

func TestLoadConfigOverrides(t *testing.T) {
	dir := t.TempDir()
	testutil.WriteFiles(t, dir, map[string]string{
		"cfg.yaml":  "traceFormat: w3c\nnamespaceLabels: {team: a}\n",
		"bad.yaml":  "traceFormat: zipkin\n",
		"typo.yaml": "rules:\n  disabel: [x]\n",
	})
	cfgFile := filepath.Join(dir, "cfg.yaml")
	for _, c := range []struct {
		name  string
		o     Overrides
		trace string
		label string // want namespaceLabels[istio-injection]
		err   string
	}{
		{"file", Overrides{ConfigFile: cfgFile}, "w3c", "", ""},
		{"flags win", Overrides{ConfigFile: cfgFile, TraceFormat: "b3", NamespaceLabels: []string{"istio-injection=enabled"}}, "b3", "enabled", ""},
		{"bad label", Overrides{ConfigFile: cfgFile, NamespaceLabels: []string{"novalue"}}, "", "", `--namespace-label "novalue": want key=value`},
		{"bad flag value", Overrides{ConfigFile: cfgFile, FailOn: "sometimes"}, "", "", "flags: "},
		{"bad file value", Overrides{ConfigFile: filepath.Join(dir, "bad.yaml")}, "", "", "zipkin"},
		{"unknown key", Overrides{ConfigFile: filepath.Join(dir, "typo.yaml")}, "", "", "disabel"},
		{"missing file", Overrides{ConfigFile: filepath.Join(dir, "nope.yaml")}, "", "", "nope.yaml"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := LoadConfig(c.o, []string{dir})
			if testutil.WantErr(t, err, c.err) {
				return
			}
			if cfg.TraceFormat != c.trace || cfg.NamespaceLabels["istio-injection"] != c.label {
				t.Errorf("traceFormat %q, labels %v", cfg.TraceFormat, cfg.NamespaceLabels)
			}
		})
	}
}

func TestRuleSettings(t *testing.T) {
	for _, c := range []struct {
		name      string
		cfg       config.Config
		ns, trace string
	}{
		{"empty config: OOM namespace, b3", config.Config{}, "onap", "b3"},
		{"configured trace", config.Config{TraceFormat: "w3c", IstioVersion: "1.24"}, "other", "w3c"},
	} {
		s := RuleSettings(&c.cfg, c.ns)
		if s.Namespace != c.ns || s.TraceFormat != c.trace || s.IstioVersion != c.cfg.IstioVersion {
			t.Errorf("%s: %+v", c.name, s)
		}
	}
}

func TestAround(t *testing.T) {
	root := testutil.RepoRoot(t)
	for _, c := range []struct{ from, want string }{
		{filepath.Join(root, "charts-fixtures", "good", "templates"), filepath.Join(root, "charts-fixtures", "good")},
		{filepath.Join(root, "charts-fixtures", "common", "common"), filepath.Join(root, "charts-fixtures", "common", "common")},
		{filepath.Join(root, "charts-fixtures"), filepath.Join(root, "charts-fixtures")},
		{t.TempDir(), ""},
	} {
		got, ok := Around(c.from)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("Around(%s) = %q, %v; want %q", c.from, got, ok, c.want)
		}
	}
}

var ctx = context.Background()
