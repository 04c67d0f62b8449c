package report

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"
)

// With a baseline the json contract gains one field, "baseline", after its
// other fields, which stay as they are without one.
func TestJSONBaselineSummary(t *testing.T) {
	plain := render(t, "json", sampleOptions(), sampleReport())
	tests := []struct {
		name string
		sum  BaselineSummary
		want string
	}{
		{"counts", BaselineSummary{File: "b.json", New: 6, Known: 41, Fixed: 2}, `{"new":6,"fixed":2}`},
		{"nothing new", BaselineSummary{File: "b.json", Known: 6}, `{"new":0,"fixed":0}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := sampleOptions()
			o.BaselineSummary = &tc.sum
			got := render(t, "json", o, sampleReport())
			if !json.Valid(got) {
				t.Fatalf("not valid JSON:\n%s", got)
			}
			dec := json.NewDecoder(bytes.NewReader(got))
			var keys []string
			var baseline json.RawMessage
			if _, err := dec.Token(); err != nil {
				t.Fatal(err)
			}
			for dec.More() {
				k, _ := dec.Token()
				var v json.RawMessage
				if err := dec.Decode(&v); err != nil {
					t.Fatal(err)
				}
				keys = append(keys, k.(string))
				baseline = v
			}
			if want := []string{"findings", "errors", "summary", "baseline"}; !slices.Equal(keys, want) {
				t.Errorf("keys %v, want %v", keys, want)
			}
			var compact bytes.Buffer
			if err := json.Compact(&compact, baseline); err != nil {
				t.Fatal(err)
			}
			if compact.String() != tc.want {
				t.Errorf(`"baseline" %s, want %s`, compact.String(), tc.want)
			}
			// Everything before the counts is the contract as written without them.
			head := plain[:len(plain)-len("\n}\n")]
			if !bytes.HasPrefix(got, head) {
				t.Errorf("the contract's fields changed with the baseline counts:\n%s", got)
			}
		})
	}
}
