package render

import (
	"os"
	"strings"
	"testing"
)

// fastdepsHelmVersion is the Helm release fastdeps.go was ported from. When
// go.mod moves to another Helm, diff Helm's pkg/chart/v2/util (coalesce.go,
// dependencies.go) between the two tags, port what changed into
// fastdeps.go, then update this constant and the version named there.
const fastdepsHelmVersion = "v3.22.0"

// TestFastdepsHelmVersion fails when go.mod requires (or replaces with)
// another Helm than the one fastdeps.go was ported from, or when
// fastdeps.go names another one.
func TestFastdepsHelmVersion(t *testing.T) {
	mod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	var required []string // "v3.22.0", and a replacement's version after it
	for _, line := range strings.Split(string(mod), "\n") {
		line, _, _ = strings.Cut(line, "//")
		f := strings.Fields(line)
		if len(f) > 0 && (f[0] == "require" || f[0] == "replace") {
			f = f[1:] // a one-line directive
		}
		for i := range f {
			if f[i] == "helm.sh/helm/v3" && i+1 < len(f) && strings.HasPrefix(f[i+1], "v") {
				required = append(required, f[i+1])
			}
			if f[i] == "=>" && len(f) > 1 && f[0] == "helm.sh/helm/v3" {
				required = append(required, f[len(f)-1]) // replace helm.sh/helm/v3 [v] => path-or-module [v]
			}
		}
	}
	if len(required) == 0 {
		t.Fatal("go.mod does not require helm.sh/helm/v3")
	}
	for _, v := range required {
		if v != fastdepsHelmVersion {
			t.Errorf("go.mod has helm.sh/helm/v3 %s but fastdeps.go was ported from %s: port Helm's changes to coalescing and dependency processing, then update fastdepsHelmVersion", v, fastdepsHelmVersion)
		}
	}
	src, err := os.ReadFile("fastdeps.go")
	if err != nil {
		t.Fatal(err)
	}
	if want := "helm.sh/helm/v3@" + fastdepsHelmVersion; !strings.Contains(string(src), want) {
		t.Errorf("fastdeps.go does not say it was ported from %s", want)
	}
}
