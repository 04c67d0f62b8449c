package lint

import (
	"encoding/base64"
	"slices"
	"sort"
	"strings"

	"github.com/meshready/meshready/internal/finding"
	"github.com/meshready/meshready/internal/resource"
)

// Redacted replaces a secret in every output.
const Redacted = "<redacted>"

// minSecret is the shortest value redacted: shorter ones ("true", "1")
// would blank out ordinary words of every message.
const minSecret = 4

// redactor removes secret values from findings by value, whichever
// resource a finding names: every data/stringData value of every Secret
// the chart renders (as rendered, base64-decoded, and base64-encoded in
// the standard and URL alphabets) and every --set/--set-string value whose
// key looks secret (*password*, *token*, *key*, *secret*), matched without
// regard to ASCII case, as bytes (decoded data need not be UTF-8).
type redactor struct{ secrets []string } // ASCII-folded, longest first

// newRedactor collects the secrets of a chart's resources and the run's
// --set values.
func newRedactor(rs []*resource.Resource, sets []string) redactor {
	seen := map[string]bool{}
	add := func(s string) {
		if len(s) < minSecret || seen[s] {
			return
		}
		seen[s] = true
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
			if e := enc.EncodeToString([]byte(s)); len(e) >= minSecret {
				seen[e] = true
			}
		}
	}
	for _, r := range rs {
		if r.Kind != "Secret" {
			continue
		}
		for _, key := range []string{"data", "stringData"} {
			m, _ := r.Object[key].(map[string]any)
			for _, v := range m {
				sv, ok := v.(string)
				if !ok {
					continue
				}
				add(sv)
				if dec, err := base64.StdEncoding.DecodeString(strings.TrimSpace(sv)); err == nil {
					add(string(dec))
				}
			}
		}
	}
	for _, v := range secretSetValues(sets) {
		add(v)
	}
	// A value that is part of an object's name or namespace (a database
	// user "postgres" beside a StatefulSet "onap-vnfsdk-postgres") is
	// published by every output that names the object: it is no secret, and
	// redacting it would blank the object's identity.
	var names []string
	for _, r := range rs {
		names = append(names, foldASCII(r.Name), foldASCII(r.Namespace))
	}
	l := make([]string, 0, len(seen))
	for s := range seen {
		f := foldASCII(s)
		public := false
		for _, n := range names {
			if strings.Contains(n, f) {
				public = true
				break
			}
		}
		if !public {
			l = append(l, f)
		}
	}
	// longest first, so a value is not cut by one of its own substrings
	sort.Slice(l, func(i, j int) bool { return len(l[i]) > len(l[j]) || len(l[i]) == len(l[j]) && l[i] < l[j] })
	return redactor{slices.Compact(l)}
}

// foldASCII lower-cases ASCII letters only, so byte offsets stay put (the
// decoded data of a Secret need not be UTF-8).
func foldASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// secretSetValues are the values of --set/--set-string assignments
// (key=value, comma-separated as Helm's strvals reads them) whose key
// looks secret.
func secretSetValues(sets []string) []string {
	var out []string
	for _, s := range sets {
		for _, kv := range strings.Split(s, ",") {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				continue
			}
			k = strings.ToLower(k)
			for _, w := range []string{"password", "token", "key", "secret"} {
				if strings.Contains(k, w) {
					out = append(out, v)
					break
				}
			}
		}
	}
	return out
}

func (r redactor) text(s string) string {
	if len(r.secrets) == 0 || s == "" {
		return s
	}
	folded := foldASCII(s)
	hidden := make([]bool, len(s))
	any := false
	for _, sec := range r.secrets {
		for off := 0; ; {
			i := strings.Index(folded[off:], sec)
			if i < 0 {
				break
			}
			for k := off + i; k < off+i+len(sec); k++ {
				hidden[k] = true
			}
			any = true
			off += i + 1
		}
	}
	if !any {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if !hidden[i] {
			b.WriteByte(s[i])
			i++
			continue
		}
		b.WriteString(Redacted)
		for i < len(s) && hidden[i] {
			i++
		}
	}
	return b.String()
}

// finding redacts every text field of f; a finding on a Secret's data
// never shows the value at all.
func (r redactor) finding(res *resource.Resource, f *finding.Finding) {
	if res != nil && res.Kind == "Secret" && (strings.HasPrefix(f.Field, "data") || strings.HasPrefix(f.Field, "stringData")) && f.Value != "" {
		f.Value = Redacted
	}
	f.Value, f.Message, f.Field = r.text(f.Value), r.text(f.Message), r.text(f.Field)
	f.Resource.Name = r.text(f.Resource.Name)
	if f.Fix != nil {
		fx := *f.Fix
		fx.Old, fx.New, fx.Description = r.text(fx.Old), r.text(fx.New), r.text(fx.Description)
		f.Fix = &fx
	}
}
