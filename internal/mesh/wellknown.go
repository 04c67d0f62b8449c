package mesh

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"

	"sigs.k8s.io/yaml"
)

//go:embed wellknown.yaml
var wellKnownYAML []byte

// WellKnown is the table of well-known ports and software (wellknown.yaml;
// users extend it under wellKnown: in .meshready.yaml, same schema).
type WellKnown struct {
	Ports  []KnownPort  `json:"ports,omitempty"`
	Images []KnownImage `json:"images,omitempty"`

	tcp map[int32]string // the tcp ports; the first entry of a port wins
}

// KnownPort is a port number any workload serves one protocol on.
type KnownPort struct {
	Port     int32    `json:"port"`
	Protocol Instance `json:"protocol"`
	What     string   `json:"what,omitempty"`
}

// KnownImage is software known by its image and the ports it serves.
type KnownImage struct {
	// Image is the last path element of the image repository.
	Image string            `json:"image"`
	Ports map[string]string `json:"ports"`
}

func builtinKnown() *WellKnown {
	w, err := ParseWellKnown(wellKnownYAML)
	if err != nil {
		panic("wellknown.yaml: " + err.Error()) // the embedded table is tested
	}
	return w
}

// ParseWellKnown reads a table strictly, normalising protocols.
func ParseWellKnown(b []byte) (*WellKnown, error) {
	w := &WellKnown{}
	if err := yaml.UnmarshalStrict(b, w); err != nil {
		return nil, err
	}
	if err := w.Validate(); err != nil {
		return nil, err
	}
	w.tcp = w.tcpPorts()
	return w, nil
}

// Validate checks protocols and port numbers and normalises spellings.
func (w *WellKnown) Validate() error {
	for i := range w.Ports {
		p := &w.Ports[i]
		q, ok := ParseMesh(string(p.Protocol))
		if !ok || p.Port <= 0 || p.Port > 65535 {
			return fmt.Errorf("wellKnown.ports[%d]: port %d protocol %q: want a port 1-65535 and one of http, http2, https, grpc, grpc-web, tcp, tls, mongo, mysql, redis", i, p.Port, p.Protocol)
		}
		p.Protocol = q
		if p.What == "" {
			p.What = q.Prefix()
		}
	}
	for i, im := range w.Images {
		if im.Image == "" || len(im.Ports) == 0 {
			return fmt.Errorf("wellKnown.images[%d]: image and ports are required", i)
		}
		for k, v := range im.Ports {
			n, err := strconv.Atoi(k)
			q, ok := ParseMesh(v)
			if err != nil || n <= 0 || n > 65535 || !ok {
				return fmt.Errorf("wellKnown.images[%d] (%s): port %q protocol %q: want a port 1-65535 and a mesh protocol", i, im.Image, k, v)
			}
			im.Ports[k] = q.Prefix()
		}
	}
	return nil
}

var known atomic.Pointer[WellKnown]

func init() { known.Store(builtinKnown()) }

// Known is the table in force: the user's entries, then the built-in ones.
func Known() *WellKnown { return known.Load() }

// ExtendWellKnown puts the user's entries before the built-in table for
// the rest of the process (nil restores the built-in table).
func ExtendWellKnown(user *WellKnown) {
	b := builtinKnown()
	if user == nil {
		known.Store(b)
		return
	}
	w := &WellKnown{Ports: append(append([]KnownPort{}, user.Ports...), b.Ports...), Images: append(append([]KnownImage{}, user.Images...), b.Images...)}
	w.tcp = w.tcpPorts()
	known.Store(w)
}

func (w *WellKnown) port(n int32) (KnownPort, bool) {
	for _, p := range w.Ports {
		if p.Port == n {
			return p, true
		}
	}
	return KnownPort{}, false
}

func (w *WellKnown) tcpPorts() map[int32]string {
	out := map[int32]string{}
	seen := map[int32]bool{}
	for _, p := range w.Ports {
		if !seen[p.Port] && p.Protocol == TCP {
			out[p.Port] = p.What
		}
		seen[p.Port] = true
	}
	return out
}

// ImageName is the last path element of an image's repository, without
// tag or digest: docker.elastic.co/elasticsearch/elasticsearch:7.9 ->
// elasticsearch.
func ImageName(image string) string {
	if i := strings.Index(image, "@"); i >= 0 {
		image = image[:i]
	}
	if i := strings.LastIndex(image, "/"); i >= 0 {
		image = image[i+1:]
	}
	if i := strings.Index(image, ":"); i >= 0 {
		image = image[:i]
	}
	return strings.ToLower(image)
}

// imageClue says what a well-known image serves on a container port.
func (w *WellKnown) imageClue(image string, port int32) (Clue, bool) {
	name := ImageName(image)
	key := strconv.Itoa(int(port))
	for _, im := range w.Images {
		e := strings.ToLower(im.Image)
		if name != e && !strings.HasPrefix(name, e+"-") && !strings.HasPrefix(name, e+"_") {
			continue
		}
		if v, ok := im.Ports[key]; ok {
			p := Parse(v)
			return Clue{Protocol: p, Kind: KindImage, Strength: StrengthImage, What: fmt.Sprintf("image %s is %s, which serves %s on %d", image, im.Image, p.Prefix(), port)}, true
		}
	}
	return Clue{}, false
}
