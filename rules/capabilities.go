package rules

import "github.com/open-policy-agent/opa/v1/ast"

// deniedBuiltins reach outside the evaluation: the network, the process
// environment and runtime. Policies are untrusted in a CI gate, so they are
// not offered; a policy that calls one fails to compile, naming the call.
var deniedBuiltins = map[string]bool{
	"http.send":          true,
	"net.lookup_ip_addr": true,
	"opa.runtime":        true,
	// JWKS fetching and OCI/bundle loaders are not built-ins; these two read
	// the clock and randomness, which are harmless but make results unstable.
	"time.now_ns":  true,
	"rand.intn":    true,
	"uuid.rfc4122": true,
}

// Capabilities are OPA's current capabilities minus the denied built-ins,
// with no network hosts allowed.
func Capabilities() *ast.Capabilities {
	c := ast.CapabilitiesForThisVersion()
	kept := make([]*ast.Builtin, 0, len(c.Builtins))
	for _, b := range c.Builtins {
		if !deniedBuiltins[b.Name] {
			kept = append(kept, b)
		}
	}
	c.Builtins = kept
	c.AllowNet = []string{}
	return c
}
