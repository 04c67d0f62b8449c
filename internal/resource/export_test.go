package resource

import "strings"

// Hooks for the corpus test (fastyaml_corpus_test.go), which lives in
// package resource_test because it renders charts with internal/render,
// which imports this package.
var (
	ParseDocFast = parseDocFast
	ParseDocYAML = parseDocYAML
	DiffResource = diffResource
)

// ParseYAML is Parse on the yaml.v3 path only.
func ParseYAML(name string, data []byte) ([]*Resource, error) {
	return parse(name, data, parseDocYAML)
}

// SplitDocs returns the document texts of a stream as Parse cuts them.
func SplitDocs(data []byte) []string {
	var out []string
	for _, d := range splitDocs(strings.ReplaceAll(string(data), "\r\n", "\n")) {
		out = append(out, d.text)
	}
	return out
}

// CompareParsers makes Parse run both paths on every document and call
// report with the fast path's verdict and any difference (as sameAsYAML);
// Parse then returns yaml.v3's result. Not for use while a render runs.
func CompareParsers(report func(text string, fast bool, diff string)) {
	docParser = func(text string) (*Resource, error) {
		fast, diff := sameAsYAML(text)
		report(text, fast, diff)
		return parseDocYAML(text)
	}
}

// RestoreParser undoes CompareParsers.
func RestoreParser() { docParser = parseDoc }
