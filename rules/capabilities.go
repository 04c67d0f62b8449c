package rules

import (
	"bytes"
	_ "embed"
	"fmt"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
)

// capabilitiesJSON is the OPA capabilities document of the built-ins a
// policy may call: an allow-list, not OPA's set minus a deny-list, so a
// built-in a new OPA version adds is refused until it is reviewed and added
// (TestCapabilitiesDocument regenerates the file with -update and lists what
// is left out). Nothing in it reaches the network, the environment, the
// clock or randomness; allow_net is empty.
//
//go:embed capabilities.json
var capabilitiesJSON []byte

var (
	capsOnce sync.Once
	caps     *ast.Capabilities
)

// Capabilities are the built-ins offered to policies (capabilities.json),
// plus meshready's own built-ins (those registered under "meshready."), with
// no network hosts allowed. A policy calling anything else fails to compile
// with an error naming the call.
func Capabilities() *ast.Capabilities {
	capsOnce.Do(func() {
		c, err := ast.LoadCapabilitiesJSON(bytes.NewReader(capabilitiesJSON))
		if err != nil {
			panic(fmt.Sprintf("rules: capabilities.json: %v", err)) // embedded: a build defect
		}
		known := map[string]bool{}
		for _, b := range c.Builtins {
			known[b.Name] = true
		}
		for _, b := range ast.CapabilitiesForThisVersion().Builtins {
			if !known[b.Name] && len(b.Name) > 9 && b.Name[:9] == "meshready" {
				c.Builtins = append(c.Builtins, b)
			}
		}
		c.AllowNet = []string{}
		caps = c
	})
	cp := *caps
	cp.Builtins = append([]*ast.Builtin(nil), caps.Builtins...)
	cp.AllowNet = []string{}
	return &cp
}
