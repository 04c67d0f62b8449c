// Package chartsource is the model of a chart's source files that lint's
// locations, the report's snippets and the fixer's edits share: template
// lines and their documents (template.go), the walker of their YAML
// structure (structure.go), values documents that keep line
// and column and can be edited as bytes (values.go), the owner chain from a
// rendered object to the template that wrote it (owner.go), and one file
// cache per run (cache.go). It reads text only: no rendering.
package chartsource
