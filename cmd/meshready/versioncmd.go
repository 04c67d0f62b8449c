package main

import (
	"fmt"
	"io"
	"runtime/debug"

	"github.com/spf13/cobra"
)

func init() { extraCommands = append(extraCommands, newVersionCmd) }

// commit is set by make build (-ldflags -X main.commit=...) for builds
// that record no vcs.revision (GOFLAGS=-buildvcs=false).
var commit = ""

// linkedModules are the libraries whose versions decide meshready's
// verdicts: the Helm SDK renders, OPA evaluates the policies.
var linkedModules = []struct{ label, path string }{
	{"helm", "helm.sh/helm/v3"},
	{"opa", "github.com/open-policy-agent/opa"},
	{"kyaml", "sigs.k8s.io/kustomize/kyaml"},
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print meshready's version and commit, and the Helm and OPA versions linked in",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			bi, ok := debug.ReadBuildInfo()
			if !ok {
				return withCode(exitError, fmt.Errorf("version: the binary carries no build information"))
			}
			writeVersion(cmd.OutOrStdout(), version, commit, bi)
			return nil
		},
	}
}

// writeVersion prints one "name: value" line each, from the build
// information the Go linker records (runtime/debug.ReadBuildInfo).
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
