package render_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var (
	oldHelmMu    sync.Mutex
	oldHelmBuilt = map[string]string{}
)

// oldHelm returns the helm CLI of an older release (e.g. "v3.6.3"), built
// from the Go module proxy: `go mod download -json helm.sh/helm/v3@VERSION`,
// a writable copy of the folder it names, and `go build ./cmd/helm` inside
// the copy (it cannot be a go.mod tool: helm's go.mod has replace
// directives). The binary is kept under the user cache dir, keyed by the
// version, so later runs start at once. It skips under -short, and when the
// proxy cannot be reached; any other failure fails the test.
func oldHelm(t *testing.T, version string) string {
	t.Helper()
	if testing.Short() {
		t.Skipf("skipping: building helm %s from the module proxy in -short mode", version)
	}
	oldHelmMu.Lock()
	defer oldHelmMu.Unlock()
	if p, ok := oldHelmBuilt[version]; ok {
		return p
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Fatalf("helm %s: no user cache dir: %v", version, err)
	}
	dir := filepath.Join(cache, "meshready", "helm-"+version)
	bin := filepath.Join(dir, "helm")
	if st, err := os.Stat(bin); err == nil && st.Mode().IsRegular() && st.Mode().Perm()&0o100 != 0 {
		oldHelmBuilt[version] = bin
		return bin
	}
	goCmd := func(wd string, args ...string) []byte {
		cmd := exec.Command("go", args...)
		// outside any module and workspace, with the module's own go.sum
		cmd.Dir, cmd.Env = wd, append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			if unreachable(stderr.String()) {
				t.Skipf("skipping: the Go module proxy cannot be reached to build helm %s: %s", version, firstLine(stderr.String()))
			}
			t.Fatalf("go %s (helm %s): %v\n%s", strings.Join(args, " "), version, err, stderr.String())
		}
		return out
	}
	out := goCmd(t.TempDir(), "mod", "download", "-json", "helm.sh/helm/v3@"+version)
	var mod struct{ Dir, Error string }
	if err := json.Unmarshal(out, &mod); err != nil || mod.Dir == "" {
		t.Fatalf("go mod download helm.sh/helm/v3@%s: no folder (%v %s)", version, err, mod.Error)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	src, err := os.MkdirTemp(dir, "src-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(src)
	if err := os.CopyFS(src, os.DirFS(mod.Dir)); err != nil { // the module cache is read-only; the copy is not
		t.Fatal(err)
	}
	tmp := filepath.Join(src, "helm.new")
	goCmd(src, "build", "-o", tmp, "./cmd/helm")
	if err := os.Rename(tmp, bin); err != nil {
		t.Fatal(err)
	}
	oldHelmBuilt[version] = bin
	return bin
}

// unreachable tells a go command failure from the network (proxy or
// checksum database down, no route) from one in the build itself.
func unreachable(stderr string) bool {
	for _, s := range []string{"dial tcp", "no such host", "connection refused", "i/o timeout", "TLS handshake timeout", "network is unreachable", "server misbehaving"} {
		if strings.Contains(stderr, s) {
			return true
		}
	}
	return false
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}
