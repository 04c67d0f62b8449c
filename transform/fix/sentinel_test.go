package fix

import (
	"regexp"
	"strings"
	"testing"

	"github.com/meshready/meshready/internal/chartsource"
	"github.com/meshready/meshready/internal/testutil"
)

// markKeyRE is the definition markAt implements over chartsource's
// template lines: the marker goes after group 1.
var markKeyRE = regexp.MustCompile(`^(\s*(?:-\s+)?(?:name|port|targetPort|servicePort):[ \t]+["']?)(.*)$`)

func regexMarkAt(line string) (int, bool) {
	m := markKeyRE.FindStringSubmatchIndex(line)
	if m == nil {
		return 0, false
	}
	rest := line[m[4]:m[5]]
	for _, p := range []string{"|", ">", "#", "{{/*"} {
		if strings.HasPrefix(rest, p) {
			return 0, false
		}
	}
	return m[3], true
}

func TestMarkAt(t *testing.T) {
	for _, c := range []struct {
		line string
		want int // -1: no marker
	}{
		{"  name: http", 8},
		{"  - name: \"http\"", 11},
		{"    port: {{ .Values.port }}", 10},
		{"targetPort:\t8080", 12},
		{"servicePort: 'x' # c", 14},
		{"name: ", 6}, // renders the marker alone: an unset value shows
		{"name:", -1},
		{"name: |", -1},
		{"name: # nothing", -1},
		{"name: {{/* later */}}", -1},
		{"image: x", -1},
		{"portName: x", -1},
		{"\"name\": x", -1}, // a quoted key is left alone
		{"{{ $name }}: x", -1},
	} {
		got := -1
		if at, ok := markAt(chartsource.ParseTemplate(c.line + "\n")[0]); ok {
			got = at
		}
		if got != c.want {
			t.Errorf("markAt(%q) = %d, want %d", c.line, got, c.want)
		}
		re := -1
		if at, ok := regexMarkAt(c.line); ok {
			re = at
		}
		if re != got && !strings.HasPrefix(c.line, `"`) {
			t.Errorf("markAt(%q) = %d, the regular expression says %d", c.line, got, re)
		}
	}
}

// TestMarkAtOOM compares markAt with the regular expression on every
// template line of the real OOM trees: they differ only on lines inside
// template comments, which do not render.
func TestMarkAtOOM(t *testing.T) {
	marked := 0
	var roots []string
	for _, tree := range []string{"casablanca", "jakarta", "master"} {
		roots = append(roots, testutil.OOMTree(t, tree))
	}
	testutil.Templates(t, roots, func(p, text string) {
		for i, l := range chartsource.ParseTemplate(text) {
			at, ok := markAt(l)
			rat, rok := regexMarkAt(l.Text)
			if ok {
				marked++
			}
			if (ok != rok || at != rat) && l.Kind != chartsource.Comment {
				t.Errorf("%s:%d %q: markAt %d %v, the regular expression %d %v", p, i+1, l.Text, at, ok, rat, rok)
			}
		}
	})
	if marked < 1000 {
		t.Errorf("only %d template lines marked; the OOM trees hold far more", marked)
	}
	t.Logf("%d template lines marked alike", marked)
}
