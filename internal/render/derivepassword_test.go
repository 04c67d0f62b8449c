package render

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/Masterminds/sprig/v3"
)

// TestDerivePasswordMemo: the derivePassword every Helm render gets
// (sprig.TxtFuncMap) is the memo, returns Sprig's own result, and
// computes each distinct argument list once.
func TestDerivePasswordMemo(t *testing.T) {
	if sprigDerivePassword == nil {
		t.Fatal("sprig's derivePassword was not found in its function table")
	}
	type args struct {
		c             uint32
		typ, pw, u, s string
	}
	cases := []args{
		{1, "long", "x", "aai-cassandra", "onap"},
		{1, "long", "x", "aai-cassandra", "onap"}, // repeat
		{1, "maximum", "x", "so-mariadb", "onap"},
		{1, "nosuchtype", "x", "u", "s"},
	}
	derive, ok := sprig.TxtFuncMap()["derivePassword"].(func(uint32, string, string, string, string) string)
	if !ok {
		t.Fatal("sprig.TxtFuncMap derivePassword has another signature")
	}
	if reflect.ValueOf(derive).Pointer() == reflect.ValueOf(sprigDerivePassword).Pointer() {
		t.Error("Helm renders still get sprig's unremembered derivePassword")
	}
	// a cheap stand-in for scrypt counts what the memo computes
	calls := map[args]int{}
	fake := func(c uint32, typ, pw, u, s string) string {
		return fmt.Sprint(c, typ, pw, u, s)
	}
	counted := memoDerive(func(c uint32, typ, pw, u, s string) string {
		calls[args{c, typ, pw, u, s}]++
		return fake(c, typ, pw, u, s)
	})
	for _, a := range cases {
		want := sprigDerivePassword(a.c, a.typ, a.pw, a.u, a.s)
		if got := derive(a.c, a.typ, a.pw, a.u, a.s); got != want {
			t.Errorf("%v: TxtFuncMap's derivePassword %q, sprig's %q", a, got, want)
		}
		if got, want := counted(a.c, a.typ, a.pw, a.u, a.s), fake(a.c, a.typ, a.pw, a.u, a.s); got != want {
			t.Errorf("%v: memo %q, want %q", a, got, want)
		}
	}
	for a, n := range calls {
		if n != 1 {
			t.Errorf("%v computed %d times", a, n)
		}
	}
	if len(calls) != 3 {
		t.Errorf("%d distinct argument lists computed, want 3", len(calls))
	}
}
