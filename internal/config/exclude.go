package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
)

// Exclude leaves the charts matching a glob out of the run. In the file
// it is a glob, or {chart: GLOB, reason: TEXT}.
type Exclude struct {
	Chart  string `json:"chart"`
	Reason string `json:"reason,omitempty"`
}

// UnmarshalJSON accepts "authentication" as well as {chart: ..., reason: ...}.
func (e *Exclude) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*e = Exclude{Chart: s}
		return nil
	}
	type plain Exclude
	var p plain
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return fmt.Errorf("exclude: want a chart glob or {chart: GLOB, reason: TEXT}: %w", err)
	}
	*e = Exclude(p)
	return nil
}

// Excluded returns the entry that leaves chart out (by its name relative
// to the linted root, or its base name), or nil.
func (c *Config) Excluded(chart string) *Exclude {
	if c == nil {
		return nil
	}
	for i, e := range c.Exclude {
		if match(e.Chart, chart) || match(e.Chart, path.Base(chart)) {
			return &c.Exclude[i]
		}
	}
	return nil
}
