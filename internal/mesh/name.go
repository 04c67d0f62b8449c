package mesh

import (
	"strconv"
	"strings"
)

// MaxPortName is the IANA_SVC_NAME length limit Kubernetes enforces on
// container port names.
const MaxPortName = 15

// ValidPortName reports whether s is an IANA_SVC_NAME as Kubernetes checks
// container port names: 1-15 characters of lower-case letters, digits and
// '-', at least one letter, no leading, trailing or doubled '-'.
func ValidPortName(s string) bool {
	if len(s) == 0 || len(s) > MaxPortName {
		return false
	}
	letter := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
			letter = true
		case c >= '0' && c <= '9':
		case c == '-':
			if i == 0 || i == len(s)-1 || s[i-1] == '-' {
				return false
			}
		default:
			return false
		}
	}
	return letter
}

// sanitize lower-cases s and turns anything outside [a-z0-9] into single
// dashes, trimmed at both ends.
func sanitize(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	return b.String()
}

// StripProtocol removes a protocol prefix the name claims (`http`,
// `http-x`, `grpc-web-x`): what is left is the name's own part.
func StripProtocol(name string) string {
	if len(name) >= len(GRPCWeb) && strings.EqualFold(name[:len(GRPCWeb)], string(GRPCWeb)) {
		return strings.TrimLeft(name[len(GRPCWeb):], "-")
	}
	head, rest, _ := strings.Cut(name, "-")
	if Parse(head) != Unsupported {
		return rest
	}
	return name
}

// NewName names a port `<proto>-<name>` (or `<proto>` alone when the name
// has nothing left once a wrong protocol claim is stripped), valid as an
// IANA_SVC_NAME and within 15 characters, and not taken: a clash gets the
// port number, then a counter.
func NewName(p Instance, oldName string, port int32, taken func(string) bool) string {
	prefix := p.Prefix()
	rest := sanitize(oldName)
	if Parse(strings.SplitN(rest, "-", 2)[0]) != Unsupported || strings.HasPrefix(rest, "grpc-web") {
		rest = sanitize(StripProtocol(rest))
	}
	candidates := []string{join(prefix, rest), join(prefix, strconv.Itoa(int(port)))}
	for _, c := range candidates {
		if ValidPortName(c) && !taken(c) {
			return c
		}
	}
	base := candidates[0]
	if !ValidPortName(base) {
		base = prefix
	}
	for n := 2; ; n++ {
		suffix := "-" + strconv.Itoa(n)
		c := strings.TrimRight(truncate(base, MaxPortName-len(suffix)), "-") + suffix
		if ValidPortName(c) && !taken(c) {
			return c
		}
	}
}

// join makes prefix-rest within the length limit, cutting rest.
func join(prefix, rest string) string {
	if rest == "" || rest == prefix {
		return prefix
	}
	rest = strings.Trim(truncate(rest, MaxPortName-len(prefix)-1), "-")
	if rest == "" {
		return prefix
	}
	return prefix + "-" + rest
}

func truncate(s string, n int) string {
	if n < 0 {
		return ""
	}
	if len(s) > n {
		return s[:n]
	}
	return s
}
