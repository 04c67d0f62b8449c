// Package policies holds meshready's built-in Rego rules and their shared
// library, embedded into the binary. See README.md for the policy contract.
package policies

import "embed"

// FS holds lib/*.rego and rules/<family>/*.rego, Rego unit tests included;
// the engine leaves *_test.rego files out when it evaluates.
//
//go:embed lib/*.rego rules/*/*.rego
var FS embed.FS
