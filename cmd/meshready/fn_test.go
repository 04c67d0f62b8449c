package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meshready/meshready/internal/finding"
	"github.com/meshready/meshready/internal/resource"
	"github.com/meshready/meshready/transform/krmfn"
)

// captureRun runs the CLI with stdout and stderr sent to files.
func captureRun(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	dir := t.TempDir()
	outF, _ := os.Create(filepath.Join(dir, "out"))
	errF, _ := os.Create(filepath.Join(dir, "err"))
	oldOut, oldErr := os.Stdout, os.Stderr
	os.Stdout, os.Stderr = outF, errF
	code = run(args)
	os.Stdout, os.Stderr = oldOut, oldErr
	outF.Close()
	errF.Close()
	o, _ := os.ReadFile(outF.Name())
	e, _ := os.ReadFile(errF.Name())
	return code, string(o), string(e)
}

func TestFnCommandExitCodes(t *testing.T) {
	dir := t.TempDir()
	manifest := filepath.Join(dir, "m.yaml")
	os.WriteFile(manifest, []byte("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: onap}\nspec:\n  template:\n    metadata: {labels: {app: web}}\n"), 0o644)
	good := filepath.Join(dir, "good.yaml")
	os.WriteFile(good, []byte("apiVersion: fn.meshready.dev/v1alpha1\nkind: MeshReady\nspec: {validation: {failOn: error}}\n"), 0o644)
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("apiVersion: fn.meshready.dev/v1alpha1\nkind: MeshReady\nspec: {injection: {style: sidecar}}\n"), 0o644)
	dup := filepath.Join(dir, "dup.yaml")
	os.WriteFile(dup, []byte("apiVersion: v1\nkind: Service\nmetadata: {name: a, name: b}\n"), 0o644)

	flagged := func(context.Context) (krmfn.Validator, error) {
		return krmfn.ValidatorFunc(func(_ context.Context, rs []*resource.Resource) ([]finding.Finding, error) {
			return []finding.Finding{{Rule: "r", Severity: finding.Error, Message: "not ready", Resource: rs[0].Ref}}, nil
		}), nil
	}
	for _, c := range []struct {
		name      string
		args      []string
		validator func(context.Context) (krmfn.Validator, error)
		code      int
		out, err  string
	}{
		{"ok", []string{"fn", "--config", good, manifest}, nil, exitOK, `sidecar.istio.io/inject: "true"`, ""},
		{"failOn hit", []string{"fn", "--config", good, manifest}, flagged, exitFindings, "kind: Deployment", "[error] apps/v1/Deployment/onap/web: not ready"},
		{"bad config", []string{"fn", "--config", bad, manifest}, nil, exitError, "", `spec.injection.style: invalid functionConfig: "sidecar" is not one of label, annotation`},
		{"duplicate keys", []string{"fn", dup}, nil, exitError, "", `duplicate mapping key "name"`},
		{"unknown flag", []string{"fn", "--nope"}, nil, exitError, "", "unknown flag"},
	} {
		t.Run(c.name, func(t *testing.T) {
			old := newFnValidator
			newFnValidator = c.validator
			defer func() { newFnValidator = old }()
			code, out, stderr := captureRun(t, c.args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d\nstderr: %s", code, c.code, stderr)
			}
			if c.out != "" && !strings.Contains(out, c.out) || c.out == "" && out != "" {
				t.Errorf("stdout = %q, want it to contain %q", out, c.out)
			}
			if c.err != "" && !strings.Contains(stderr, c.err) {
				t.Errorf("stderr = %q, want it to contain %q", stderr, c.err)
			}
		})
	}
}
