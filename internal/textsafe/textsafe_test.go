package textsafe

import (
	"strings"
	"testing"
)

func TestEscape(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain text, ünïcode ✓", "plain text, ünïcode ✓"},
		{"http\n::error file=x::forged", `http\n::error file=x::forged`},
		{"\x1b]0;pwned\x07title", `\x1b]0;pwned\x07title`},
		{"a\rb\tc\x7f", `a\rb\tc\x7f`},
		{"admin\u202e\u2066txt.exe", `admin\u202e\u2066txt.exe`},
		{"zero\u200bwidth\ufeff", `zero\u200bwidth\ufeff`},
		{"c1\u0085x", `c1\u0085x`},
		{"bad\xffutf8", `bad\xffutf8`},
	} {
		if got := Escape(c.in); got != c.want {
			t.Errorf("Escape(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestShorten(t *testing.T) {
	long := strings.Repeat("é", 3<<20) // a 6 MB one-line input
	got := Line(long + "\n")
	if len(got) > MaxMessage+16 || !strings.Contains(got, " [...] ") {
		t.Errorf("Line kept %d bytes", len(got))
	}
	if !strings.HasSuffix(got, `é\n`) || strings.ContainsRune(got, '\uFFFD') {
		t.Errorf("cut inside a rune or lost the end: %q", got[len(got)-20:])
	}
	if Shorten("short") != "short" {
		t.Error("a short message changed")
	}
}

func TestFieldsPluralCount(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{Fields("a\n  b\tc \r\n"), "a b c"},
		{Fields(""), ""},
		{Plural(1, "file", "files"), "file"},
		{Plural(0, "file", "files"), "files"},
		{Count(1, "chart", "charts"), "1 chart"},
		{Count(12, "chart", "charts"), "12 charts"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
