package action

import (
	"fmt"
	"io"
	"runtime/debug"
)

// Version is `meshready version`: meshready's version and commit and the
// versions of the libraries that decide its verdicts.
type Version struct {
	Version string // make build's git describe (-ldflags -X); "dev" otherwise
	Commit  string // make build's commit, for builds without vcs.revision
	// Build is the binary's build information (debug.ReadBuildInfo).
	Build func() (*debug.BuildInfo, bool)
}

// linkedModules are the libraries whose versions decide meshready's
// verdicts: the Helm SDK renders, OPA evaluates the policies.
var linkedModules = []struct{ label, path string }{
	{"helm", "helm.sh/helm/v3"},
	{"opa", "github.com/open-policy-agent/opa"},
	{"kyaml", "sigs.k8s.io/kustomize/kyaml"},
}

// Run prints one "name: value" line each.
func (a *Version) Run(s IO) error {
	read := a.Build
	if read == nil {
		read = debug.ReadBuildInfo
	}
	bi, ok := read()
	if !ok {
		return failed(fmt.Errorf("version: the binary carries no build information"))
	}
	writeVersion(s.Out, a.Version, a.Commit, bi)
	return nil
}

// writeVersion prints the lines from the build information the Go linker
// records (runtime/debug.ReadBuildInfo).
func writeVersion(w io.Writer, ldVersion, ldCommit string, bi *debug.BuildInfo) {
	mod := bi.Main.Version
	if mod == "" {
		mod = "(devel)"
	}
	if ldVersion != "" && ldVersion != "dev" {
		mod = ldVersion // make build's git describe
	}
	fmt.Fprintf(w, "meshready: %s\n", mod)
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	rev := settings["vcs.revision"]
	switch {
	case rev != "" && settings["vcs.modified"] == "true":
		rev += " (modified)"
	case rev == "" && ldCommit != "":
		rev = ldCommit
	case rev == "":
		rev = "unknown"
	}
	fmt.Fprintf(w, "commit: %s\n", rev)
	for _, m := range linkedModules {
		v := "not linked"
		for _, d := range bi.Deps {
			if d.Path == m.path {
				v = d.Version
				if d.Replace != nil {
					v = d.Replace.Version + " (replaces " + d.Version + ")"
				}
			}
		}
		fmt.Fprintf(w, "%s: %s\n", m.label, v)
	}
	fmt.Fprintf(w, "go: %s\n", bi.GoVersion)
}
