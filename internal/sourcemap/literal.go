package sourcemap

import (
	"strings"

	"github.com/meshready/meshready/internal/chartsource"
)

// fromLiteral finds a line of the template's document that writes
// key: value with no template action.
func fromLiteral(m *Mapper, q *query) (Location, bool) {
	if q.value == "" {
		return Location{}, false
	}
	for i := q.reg[0]; i < q.reg[1]; i++ {
		l := q.ls[i]
		if l.Kind == chartsource.Key && l.Key == q.key && !strings.Contains(l.Rest, "{{") && chartsource.Unquote(l.Rest) == q.value {
			return Location{File: q.tpl, Line: i + 1}, true
		}
	}
	return Location{}, false
}
