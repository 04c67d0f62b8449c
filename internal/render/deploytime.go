package render

import (
	"fmt"
	"strings"
)

// DeployTimeValue is a value OOM charts require only when they are deployed:
// a secret the operator passes with --set, which no chart carries and no
// rule reads. Without it the chart's template fails (OOM's
// common.masterPassword ends in `fail "masterPassword not provided"`).
//
// Lint mode supplies StandIn for it when the user gives none (any -f/--set
// value overrides it), so `meshready lint kubernetes` lints every chart with
// no flags. `render`, which must print what Helm prints, never does: it
// fails as Helm fails and names the flag to pass.
type DeployTimeValue struct {
	Path    string // dotted values path, e.g. "global.masterPassword"
	StandIn string
	// Fail is the message of the template error Helm gives without it.
	Fail string
}

// DeployTimeValues lists every deploy-time input of the shared OOM trees
// (casablanca through master): OOM master's README asks for exactly
// global.masterPassword at `helm deploy` time.
var DeployTimeValues = []DeployTimeValue{
	{Path: "global.masterPassword", StandIn: "meshready-lint-stand-in", Fail: "masterPassword not provided"},
}

// deployTimeStandIns is DeployTimeValues as a values tree.
func deployTimeStandIns() map[string]any {
	out := map[string]any{}
	for _, d := range DeployTimeValues {
		m := out
		keys := strings.Split(d.Path, ".")
		for _, k := range keys[:len(keys)-1] {
			sub, ok := m[k].(map[string]any)
			if !ok {
				sub = map[string]any{}
				m[k] = sub
			}
			m = sub
		}
		m[keys[len(keys)-1]] = d.StandIn
	}
	return out
}

// deployTimeHint adds to a render error caused by a missing deploy-time
// value the flag that supplies it.
func deployTimeHint(err error) error {
	for _, d := range DeployTimeValues {
		if strings.Contains(err.Error(), d.Fail) {
			return fmt.Errorf("%w (a deploy-time value: pass --set %s=VALUE; lint supplies a stand-in)", err, d.Path)
		}
	}
	return err
}
