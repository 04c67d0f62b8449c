package report

import (
	"strings"
	"testing"
)

// TestRegisterRefusesDuplicates: a second format under a taken name is a
// programming error that panics at init instead of replacing the first.
func TestRegisterRefusesDuplicates(t *testing.T) {
	before := formats["text"]
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(r.(string), `format "text" registered twice`) {
			t.Errorf("registering text twice: recovered %v, want a panic naming the format", r)
		}
		if formats["text"].needs != before.needs {
			t.Error("the duplicate replaced the registered format")
		}
	}()
	register("text", Needs{RepoPaths: true}, func(Options) Formatter { return nil })
}

// TestNeeds: what each format declares, which the commands read instead of
// format names.
func TestNeeds(t *testing.T) {
	want := map[string]Needs{
		"text":   {Color: true},
		"json":   {},
		"sarif":  {RepoPaths: true},
		"junit":  {},
		"gerrit": {RepoPaths: true},
		"github": {RepoPaths: true},
		"html":   {BaselineAware: true},
	}
	if len(Names()) != len(want) {
		t.Errorf("formats %v, want the %d below", Names(), len(want))
	}
	for name, w := range want {
		if got := NeedsOf(name); got != w {
			t.Errorf("NeedsOf(%q) = %+v, want %+v", name, got, w)
		}
	}
	if got := NeedsOf("nope"); got != (Needs{}) {
		t.Errorf("NeedsOf(unknown) = %+v, want nothing", got)
	}
}
