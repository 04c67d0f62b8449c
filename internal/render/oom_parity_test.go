package render_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/meshready/meshready/internal/charttree"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/testutil"
)

// TestOOMParity renders every top-level chart of the real OOM trees and
// compares the stream, byte for byte, with the pinned helm CLI's
// `helm template` of the chart as `meshready deps` vendors it.
func TestOOMParity(t *testing.T) {
	t.Parallel() // a whole-tree comparison: see parallelOOMTests
	if testing.Short() {
		t.Skip("skipping the whole-tree helm comparison in -short mode")
	}
	helm := testutil.Tool(t, "helm")
	cases := []struct {
		tree string
		// charts expected to fail, with a fragment of the error each must give
		wantErr map[string]string
		// charts rendered with the onap umbrella's global values, as OOM
		// deploys them (they do not render alone, in helm either)
		umbrella map[string]bool
	}{
		{"casablanca", nil, nil},
		{"jakarta", map[string]string{"dcaegen2-services": `more than one dependency with name or alias "serviceAccount"`}, nil},
		// Helm >= 3.7 refuses these (built by OOM with Helm 3.6; see
		// --helm-compat); platform's oom-cert-service Secret is not YAML.
		{"honolulu", map[string]string{
			"aaf": mergeOverwriteErr, "aai": mergeOverwriteErr, "cps": mergeOverwriteErr, "dcaegen2": mergeOverwriteErr,
			"dcaegen2-services": mergeOverwriteErr, "dmaap": mergeOverwriteErr, "modeling": mergeOverwriteErr, "nbi": mergeOverwriteErr,
			"policy": mergeOverwriteErr, "portal": mergeOverwriteErr, "sdc": mergeOverwriteErr, "sdnc": mergeOverwriteErr, "so": mergeOverwriteErr,
			"platform": "could not find expected ':'",
		}, nil},
		// platform: its oauth2-proxy subtree (disabled) needs redis from
		// charts.bitnami.com, which is never needed.
		{"montreal", map[string]string{"dcaegen2-services": `more than one dependency with name or alias "serviceAccount"`}, map[string]bool{"platform": true}},
		{"master", map[string]string{"authentication": `dependency "oauth2-proxy"`}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.tree, func(t *testing.T) {
			root := testutil.OOMTree(t, tc.tree)
			charts, err := charttree.Discover(root)
			if err != nil {
				t.Fatal(err)
			}
			opts := render.DefaultOptions()
			opts.Set = []string{"global.masterPassword=x"}
			h := render.NewHelm(opts)
			withUmbrella := opts
			withUmbrella.Umbrella = filepath.Join(root, "onap")
			hu := render.NewHelm(withUmbrella)
			vendor := t.TempDir()
			same, failed, random := 0, 0, 0
			for _, dir := range charts {
				name := filepath.Base(dir)
				h, extra := h, []string(nil)
				if tc.umbrella[name] {
					h, extra = hu, []string{"-f", umbrellaGlobals(t, withUmbrella.Umbrella)}
				}
				res := renderOnce(h, dir)
				err := res.err
				if frag, ok := tc.wantErr[name]; ok {
					if err == nil {
						t.Errorf("%s: rendered, but Helm itself rejects it (want an error containing %q)", name, frag)
					} else if !strings.Contains(err.Error(), frag) || !strings.Contains(err.Error(), name) {
						t.Errorf("%s: error %q does not name the chart and contain %q", name, err, frag)
					} else {
						failed++
					}
					continue
				}
				if err != nil {
					t.Errorf("%s: %v", name, err)
					continue
				}
				ch, _, _, err := h.Load(dir)
				if err != nil {
					t.Fatal(err)
				}
				vdir, err := charttree.Vendor(ch, vendor)
				if err != nil {
					t.Fatalf("%s: vendor: %v", name, err)
				}
				args := append([]string{"template", "onap", vdir, "--namespace", "onap",
					"--set", "global.masterPassword=x", "--api-versions", strings.Join(opts.APIVersions, ",")}, extra...)
				n, ok := sameAsHelm(t, helm, nil, args, res.manifest, "parity-"+tc.tree+"-"+name)
				if !ok {
					continue
				}
				random += n
				same++
			}
			fmt.Printf("render parity %s: %d/%d charts identical to helm template (%d lines of random template output masked), %d rejected as Helm rejects them\n", tc.tree, same, len(charts), random, failed)
			if same+failed != len(charts) {
				t.Errorf("%s: %d identical + %d expected failures != %d charts", tc.tree, same, failed, len(charts))
			}
		})
	}
}

// mergeOverwriteErr is what Helm >= 3.7 (sprig 3.2.3's mergo) says about
// OOM common's subChartDot in the Helm 3.6-era releases.
const mergeOverwriteErr = "reflect: call of reflect.Value.Field on map Value"

// umbrellaGlobals writes the global: section of an umbrella's values.yaml to
// a values file for helm -f.
func umbrellaGlobals(t *testing.T, umbrella string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(umbrella, "values.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := yaml.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	out, err := yaml.Marshal(map[string]any{"global": v["global"]})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "globals.yaml")
	if err := os.WriteFile(p, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// sameAsHelm runs `helm ARGS` (env nil: this process's) and compares its
// stream with got, byte for byte. Templates that call uuidv4 or randAlphaNum
// differ on every run, helm's own included: on a difference it renders with
// helm once more and accepts differences only on the lines where helm
// differs from itself (it returns how many). A failure is reported on t,
// with both streams written under dump in the temp folder.
func sameAsHelm(t *testing.T, helm string, env, args []string, got, dump string) (int, bool) {
	t.Helper()
	run := func() ([]byte, error) { return runHelm(helm, env, args) }
	want, err := run()
	if err != nil {
		t.Errorf("%s: %v", dump, err)
		return 0, false
	}
	if bytes.Equal(want, []byte(got)) {
		return 0, true
	}
	again, err := run()
	if err != nil {
		t.Fatal(err)
	}
	n, ok := testutil.SameButRandom(want, again, []byte(got))
	if !ok {
		p := filepath.Join(os.TempDir(), "meshready-"+dump)
		_ = os.WriteFile(p+".helm.yaml", want, 0o644)
		_ = os.WriteFile(p+".meshready.yaml", []byte(got), 0o644)
		t.Errorf("%s: output differs from helm (%d vs %d bytes); see %s.*", dump, len(got), len(want), p)
	}
	return n, ok
}
