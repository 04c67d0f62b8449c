package main

import (
	"github.com/spf13/cobra"

	"github.com/meshready/meshready/internal/action"
)

func newRulesCmd() *cobra.Command {
	a := &action.Rules{}
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List the rules with their metadata (text, json, markdown)",
		Long:  "List every rule (built-in and --policy) with its id, severity, family, title, description,\nremediation and documentation anchor. docs/rules.md is generated with --format markdown.",
		Args:  exactArgs(0),
		RunE:  func(cmd *cobra.Command, _ []string) error { return a.Run(cmd.Context(), streams(cmd)) },
	}
	cmd.Flags().StringVarP(&a.Format, "format", "o", "text", "text, json or markdown")
	completeValues(cmd, "format", "text", "json", "markdown")
	cmd.Flags().StringArrayVar(&a.Policies, "policy", nil, "folder of extra Rego policies (repeatable)")
	return cmd
}

func newPolicyCmd() *cobra.Command {
	policy := &cobra.Command{Use: "policy", Short: "Work with Rego policies"}
	a := action.NewPolicyTest()
	test := &cobra.Command{
		Use:   "test DIR...",
		Short: "Run the Rego unit tests of policy folders (as conftest verify does)",
		Long:  "Run every test_* rule in the .rego files of the folders, with the same restricted built-ins\npolicies get at lint time. Exit code 1 when a test fails, 2 when the policies do not load.",
		RunE:  func(cmd *cobra.Command, args []string) error { return a.Run(cmd.Context(), streams(cmd), args) },
	}
	test.Flags().DurationVar(&a.Timeout, "timeout", a.Timeout, "time limit per test")
	test.Flags().BoolVarP(&a.Verbose, "verbose", "v", false, "list passing tests too")
	policy.AddCommand(test)
	return policy
}
