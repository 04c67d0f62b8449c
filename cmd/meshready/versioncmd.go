package main

import (
	"github.com/spf13/cobra"

	"github.com/meshready/meshready/internal/action"
)

// commit is set by make build (-ldflags -X main.commit=...) for builds
// that record no vcs.revision (GOFLAGS=-buildvcs=false).
var commit = ""

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print meshready's version and commit, and the Helm and OPA versions linked in",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return (&action.Version{Version: version, Commit: commit}).Run(streams(cmd))
		},
	}
}
