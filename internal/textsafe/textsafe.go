// Package textsafe makes text from charts, policies and file names safe to
// show to a person: on a terminal, in a CI log (where a line starting with
// "::error" is a GitHub workflow command) or in a review comment. It is the
// one escaping helper, called where text leaves meshready: stderr and the
// human-readable report formats.
package textsafe

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Escape replaces every C0/C1 control character and DEL (newlines, carriage
// returns and terminal escapes included), every Unicode bidirectional or
// invisible formatting control (U+061C, U+200B–U+200F, U+2028–U+202E,
// U+2060–U+2069, U+FEFF: the "Trojan Source" characters) and every byte that
// is not UTF-8 with a visible Go-style escape (\n, \x1b, \u202e), so the text
// stays on one line and reads as it is stored.
func Escape(s string) string {
	if clean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func clean(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f {
			return !hasUnsafe(s[i:])
		}
	}
	return true
}

func hasUnsafe(s string) bool {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || r < 0x20 || r == 0x7f || unsafeRune(r) {
			return true
		}
		i += n
	}
	return false
}

// unsafeRune is a C1 control or a bidi/invisible formatting character.
func unsafeRune(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x061c, r == 0xfeff:
		return true
	case r >= 0x200b && r <= 0x200f:
		return true
	case r >= 0x2028 && r <= 0x202e:
		return true
	case r >= 0x2060 && r <= 0x2069:
		return true
	}
	return false
}

// MaxMessage bounds an error message: Helm nests template errors once per
// include and parsers quote their input, so a message can run to megabytes.
const MaxMessage = 600

// Shorten keeps the start (what failed where) and the end (the cause) of a
// message longer than MaxMessage bytes, cutting on rune boundaries.
func Shorten(msg string) string {
	if len(msg) <= MaxMessage {
		return msg
	}
	head, tail := MaxMessage/2, len(msg)-MaxMessage/2
	for head > 0 && !utf8.RuneStart(msg[head]) {
		head--
	}
	for tail < len(msg) && !utf8.RuneStart(msg[tail]) {
		tail++
	}
	return msg[:head] + " [...] " + msg[tail:]
}

// Line is a message as meshready prints it on one line: shortened, then escaped.
func Line(msg string) string { return Escape(Shorten(msg)) }

// Fields is s with every run of white space (newlines included) made one
// space: a multi-line message as one line of a log or a review comment.
func Fields(s string) string { return strings.Join(strings.Fields(s), " ") }

// Plural is one when n is 1, else many.
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Count is n followed by the singular or plural noun: "1 file", "2 files".
func Count(n int, one, many string) string { return strconv.Itoa(n) + " " + Plural(n, one, many) }
