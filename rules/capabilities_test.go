package rules

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/meshready/meshready/internal/testutil"
)

// refused are the built-ins of OPA that policies do not get: they reach
// the network, the process, the clock or randomness, or build values whose
// size is not bounded by their input (bits.lsh(1, 8e9) allocates 1 GB).
var refused = map[string]string{
	"http.send":              "network",
	"net.lookup_ip_addr":     "network (DNS)",
	"opa.runtime":            "process environment",
	"time.now_ns":            "clock",
	"rand.intn":              "randomness",
	"uuid.rfc4122":           "randomness",
	"bits.lsh":               "unbounded allocation",
	"net.cidr_expand":        "unbounded allocation (a /8 is 16 million addresses)",
	"trace":                  "evaluation tracing",
	"print":                  "writes to stderr",
	"internal.print":         "writes to stderr",
	"internal.test_case":     "test harness",
	"io.jwt.decode_verify":   "fetches nothing, but reads the clock",
	"providers.aws.sign_req": "reads the clock to sign requests for http.send",
	"crypto.x509.parse_and_verify_certificates":              "reads the clock",
	"crypto.x509.parse_and_verify_certificates_with_options": "reads the clock",
}

// allowed decides, for a built-in of this OPA version, whether policies get it.
func allowed(b *ast.Builtin) bool {
	if _, no := refused[b.Name]; no {
		return false
	}
	return !b.IsDeprecated() && !strings.HasPrefix(b.Name, "meshready")
}

// TestCapabilitiesDocument keeps capabilities.json, the allow-list the
// engine loads, in step with this OPA version and the refusals above.
func TestCapabilitiesDocument(t *testing.T) {
	all := ast.CapabilitiesForThisVersion()
	c := &ast.Capabilities{AllowNet: []string{}, Features: all.Features, FutureKeywords: all.FutureKeywords}
	for _, b := range all.Builtins {
		if allowed(b) {
			c.Builtins = append(c.Builtins, b)
		}
	}
	sort.Slice(c.Builtins, func(i, j int) bool { return c.Builtins[i].Name < c.Builtins[j].Name })
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(c); err != nil {
		t.Fatal(err)
	}
	// The engine embeds the file (capabilitiesJSON); make golden rewrites it.
	testutil.Golden(t, "capabilities.json", buf.Bytes())
	got := map[string]bool{}
	for _, b := range Capabilities().Builtins {
		got[b.Name] = true
	}
	for name := range refused {
		if got[name] {
			t.Errorf("%s is offered to policies", name)
		}
	}
	for _, name := range []string{"sprintf", "regex.match", "json.match_schema", "base64.decode", "count", "object.get"} {
		if !got[name] {
			t.Errorf("%s, a pure built-in, is not offered", name)
		}
	}
	if len(Capabilities().AllowNet) != 0 {
		t.Errorf("allow_net is not empty")
	}
}
