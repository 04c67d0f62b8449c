package render_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meshready/meshready/internal/charttree"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/testutil"
)

// TestOOMParity renders every top-level chart of the real OOM trees and
// compares the stream, byte for byte, with the pinned helm CLI's
// `helm template` of the chart as `meshready deps` vendors it.
func TestOOMParity(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping the whole-tree helm comparison in -short mode")
	}
	helm := testutil.Tool(t, "helm")
	cases := []struct {
		tree string
		// charts expected to fail, with a fragment of the error each must give
		wantErr map[string]string
	}{
		{"casablanca", nil},
		{"jakarta", map[string]string{"dcaegen2-services": `more than one dependency with name or alias "serviceAccount"`}},
		{"master", map[string]string{"authentication": `dependency "oauth2-proxy"`}},
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
			vendor := t.TempDir()
			same, failed, random := 0, 0, 0
			for _, dir := range charts {
				name := filepath.Base(dir)
				res, err := h.Render(context.Background(), dir)
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
				cmd := exec.Command(helm, "template", "onap", vdir, "--namespace", "onap",
					"--set", "global.masterPassword=x", "--api-versions", strings.Join(opts.APIVersions, ","))
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				want, err := cmd.Output()
				if err != nil {
					t.Errorf("%s: helm template: %v\n%s", name, err, stderr.String())
					continue
				}
				if !bytes.Equal(want, []byte(res.Manifest)) {
					// Templates that call uuidv4 or randAlphaNum differ on every
					// run, helm's own included: render with helm once more and
					// accept differences only on the lines where helm differs
					// from itself.
					again, err := exec.Command(helm, cmd.Args[1:]...).Output()
					if err != nil {
						t.Fatal(err)
					}
					if n, ok := testutil.SameButRandom(want, again, []byte(res.Manifest)); !ok {
						p := filepath.Join(os.TempDir(), "meshready-parity-"+tc.tree+"-"+name)
						_ = os.WriteFile(p+".helm.yaml", want, 0o644)
						_ = os.WriteFile(p+".meshready.yaml", []byte(res.Manifest), 0o644)
						t.Errorf("%s: output differs from helm template (%d vs %d bytes); see %s.*", name, len(res.Manifest), len(want), p)
						continue
					} else {
						random += n
					}
				}
				same++
			}
			fmt.Printf("render parity %s: %d/%d charts identical to helm template (%d lines of random template output masked), %d rejected as Helm rejects them\n", tc.tree, same, len(charts), random, failed)
			if same+failed != len(charts) {
				t.Errorf("%s: %d identical + %d expected failures != %d charts", tc.tree, same, failed, len(charts))
			}
		})
	}
}
