package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// writeCLIReference renders every command and flag as Markdown, for the
// README's command reference (kept in sync by a test).
func writeCLIReference(w io.Writer, root *cobra.Command) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" || c.Name() == "completion" {
			return
		}
		if c.Runnable() {
			fmt.Fprintf(w, "### `%s`\n\n%s\n\n", c.CommandPath(), c.Short)
			if c.Long != "" {
				fmt.Fprintf(w, "```text\n%s\n```\n\n", strings.TrimSpace(c.Long))
			}
			fmt.Fprintf(w, "Usage: `%s`\n\n", c.UseLine())
			if u := strings.TrimRight(c.NonInheritedFlags().FlagUsages(), "\n"); u != "" {
				fmt.Fprintf(w, "```text\n%s\n```\n\n", u)
			}
		}
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(root)
	if u := strings.TrimRight(root.PersistentFlags().FlagUsages(), "\n"); u != "" {
		fmt.Fprintf(w, "Flags of every command:\n\n```text\n%s\n```\n", u)
	}
}
