package mesh

import (
	"fmt"
	"strconv"
	"strings"
)

// tlsEvidence looks for TLS switched on for the port: an env variable
// like *TLS*/*SSL*/*HTTPS* = true, or server certificates mounted. Both are
// container-wide, so they count for a container with one port, or when the
// variable's name mentions the port.
func tlsEvidence(c map[string]any, nports int, num int32, name string, ev *Evidence) {
	cname := text(c["name"])
	for _, e := range mapItems(c["env"]) {
		k := strings.ToUpper(text(e["name"]))
		if !(strings.Contains(k, "TLS") || strings.Contains(k, "SSL") || strings.Contains(k, "HTTPS")) {
			continue
		}
		switch strings.ToLower(text(e["value"])) {
		case "true", "yes", "on", "enabled":
		default:
			continue
		}
		mentions := name != "" && strings.Contains(k, strings.ToUpper(strings.ReplaceAll(name, "-", "_"))) ||
			strings.Contains(k, strconv.Itoa(int(num)))
		if nports <= 1 || mentions {
			ev.TLS = true
			ev.TLSReason = fmt.Sprintf("container %s sets %s=%s", cname, text(e["name"]), text(e["value"]))
			return
		}
	}
	if nports > 1 {
		return
	}
	for _, m := range mapItems(c["volumeMounts"]) {
		p := strings.ToLower(text(m["mountPath"]))
		if !(strings.Contains(p, "tls") || strings.Contains(p, "cert") || strings.Contains(p, "ssl") || strings.Contains(p, "keystore")) {
			continue
		}
		// Trust bundles are for calling out, not for serving TLS.
		if strings.Contains(p, "truststore") || strings.Contains(p, "cacert") || strings.Contains(p, "ca-cert") ||
			strings.Contains(p, "ca-bundle") || strings.HasPrefix(p, "/etc/ssl/certs") || strings.Contains(p, "/ca/") {
			continue
		}
		ev.TLS = true
		ev.TLSReason = fmt.Sprintf("container %s mounts certificates at %s", cname, text(m["mountPath"]))
		return
	}
}
