package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"

	"github.com/meshready/meshready/internal/finding"
)

func init() {
	register("sarif", Needs{RepoPaths: true}, func(o Options) Formatter { return sarifFormat{opts: o} })
}

const (
	sarifSchemaURI = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion   = "2.1.0"
	// sarifSrcRoot is the base every in-repository artifact URI is relative to.
	sarifSrcRoot   = "%SRCROOT%"
	informationURI = "https://github.com/meshready/meshready"
	// fingerprintKey versions the partial fingerprint; bump it only if the
	// hashed identity changes, since code scanning matches alerts on it.
	fingerprintKey = "meshready/v1"
)

// sarifFormat writes SARIF 2.1.0 for code scanning (GitHub, GitLab, IDEs):
// one run, rules from the report's metadata, a stable fingerprint per finding
// and fixes where meshready knows the replacement.
type sarifFormat struct{ opts Options }

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	// Fix columns are counted in UTF-16 code units; say so rather than rely
	// on a consumer's default.
	ColumnKind string        `json:"columnKind"`
	Results    []sarifResult `json:"results"`
	// Properties is the run's property bag (SARIF 2.1.0 §3.8): the Istio
	// release the verdicts are for.
	Properties *sarifRunProps `json:"properties,omitempty"`
}

type sarifRunProps struct {
	IstioVersion string `json:"istioVersion"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string             `json:"id"`
	Name                 string             `json:"name,omitempty"`
	ShortDescription     *sarifMessage      `json:"shortDescription,omitempty"`
	FullDescription      *sarifMessage      `json:"fullDescription,omitempty"`
	Help                 *sarifMessage      `json:"help,omitempty"`
	HelpURI              string             `json:"helpUri,omitempty"`
	DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
	Properties           *sarifRuleProps    `json:"properties,omitempty"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	Family string   `json:"family,omitempty"`
	Tags   []string `json:"tags,omitempty"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifMessage      `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	RelatedLocations    []sarifLocation   `json:"relatedLocations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Fixes               []sarifFix        `json:"fixes,omitempty"`
	Properties          sarifResultProps  `json:"properties"`
}

type sarifResultProps struct {
	Chart string `json:"chart,omitempty"`
	Field string `json:"field,omitempty"`
	Value string `json:"value"`
}

type sarifLocation struct {
	// ID and Message label a related location (SARIF 2.1.0 §3.28.2, §3.28.5).
	ID               int                    `json:"id,omitempty"`
	Message          *sarifMessage          `json:"message,omitempty"`
	PhysicalLocation *sarifPhysicalLocation `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogicalLocation `json:"logicalLocations,omitempty"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

type sarifLogicalLocation struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

type sarifFix struct {
	Description     sarifMessage          `json:"description"`
	ArtifactChanges []sarifArtifactChange `json:"artifactChanges"`
}

type sarifArtifactChange struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Replacements     []sarifReplacement    `json:"replacements"`
}

type sarifReplacement struct {
	DeletedRegion   sarifRegion  `json:"deletedRegion"`
	InsertedContent sarifMessage `json:"insertedContent"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifMessage    `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

func (s sarifFormat) Format(w io.Writer, r *finding.Report) error {
	paths := newPathMapper(s.opts)
	fixes := newFixLocator(paths, s.opts.Sources)

	rules, index := sarifRules(r)
	results := make([]sarifResult, 0, len(r.Findings))
	for _, f := range r.Findings {
		res := sarifResult{
			RuleID:              f.Rule,
			RuleIndex:           index[f.Rule],
			Level:               sarifLevel(f.Severity),
			Message:             sarifMessage{Text: withRemediation(f.Message, f.Remediation)},
			PartialFingerprints: map[string]string{fingerprintKey: fingerprint(f)},
			Properties:          sarifResultProps{Chart: f.Chart, Field: f.Field, Value: f.Value},
		}
		loc := sarifLocation{LogicalLocations: []sarifLogicalLocation{{
			Name:               f.Resource.Name,
			FullyQualifiedName: f.Resource.String(),
			Kind:               "resource",
		}}}
		span, hasFix := fixes.locate(f)
		if f.File != "" {
			loc.PhysicalLocation = &sarifPhysicalLocation{ArtifactLocation: artifactLocation(paths, f.File)}
			if f.Line > 0 {
				reg := &sarifRegion{StartLine: f.Line}
				if hasFix && span.exact && span.file == f.File && span.line == f.Line {
					reg.StartColumn, reg.EndColumn = span.start+1, span.end+1
				}
				loc.PhysicalLocation.Region = reg
			}
		}
		res.Locations = []sarifLocation{loc}
		// the other values lines a composed value came from
		for i, p := range f.Also {
			text := "composed with this value"
			if p.Key != "" {
				text = "composed with " + p.Key
			}
			rl := sarifLocation{ID: i + 1, Message: &sarifMessage{Text: text},
				PhysicalLocation: &sarifPhysicalLocation{ArtifactLocation: artifactLocation(paths, p.File)}}
			if p.Line > 0 {
				rl.PhysicalLocation.Region = &sarifRegion{StartLine: p.Line}
			}
			res.RelatedLocations = append(res.RelatedLocations, rl)
		}
		if hasFix {
			res.Fixes = []sarifFix{sarifFixFor(paths, f.Fix, span)}
		}
		results = append(results, res)
	}

	inv := sarifInvocation{ExecutionSuccessful: len(r.Errors) == 0}
	for _, e := range r.Errors {
		n := sarifNotification{Level: "error", Message: sarifMessage{Text: chartErrorText(e)}}
		if e.File != "" {
			n.Locations = []sarifLocation{{PhysicalLocation: &sarifPhysicalLocation{
				ArtifactLocation: artifactLocation(paths, e.File)}}}
		}
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, n)
	}

	log := sarifLog{
		Schema:  sarifSchemaURI,
		Version: sarifVersion,
		Runs: []sarifRun{{
			Tool: sarifTool{Driver: sarifDriver{
				Name:           "meshready",
				Version:        s.opts.ToolVersion,
				InformationURI: informationURI,
				Rules:          rules,
			}},
			Invocations: []sarifInvocation{inv},
			ColumnKind:  "utf16CodeUnits",
			Results:     results,
		}},
	}
	if r.IstioVersion != "" {
		log.Runs[0].Properties = &sarifRunProps{IstioVersion: r.IstioVersion}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(log); err != nil {
		return fmt.Errorf("sarif: %w", err)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// sarifRules lists Report.Rules in order, then a bare descriptor for every
// rule a finding names without metadata (a user policy, say), so every
// result has a ruleIndex.
func sarifRules(r *finding.Report) ([]sarifRule, map[string]int) {
	rules := []sarifRule{}
	index := map[string]int{}
	for _, m := range r.Rules {
		if _, dup := index[m.ID]; dup {
			continue
		}
		index[m.ID] = len(rules)
		rule := sarifRule{
			ID:                   m.ID,
			Name:                 ruleName(m.ID),
			HelpURI:              m.DocURL,
			DefaultConfiguration: sarifConfiguration{Level: sarifLevel(m.Severity)},
		}
		if m.Title != "" {
			rule.ShortDescription = &sarifMessage{Text: m.Title}
		}
		if m.Description != "" {
			rule.FullDescription = &sarifMessage{Text: m.Description}
		}
		if m.Remediation != "" {
			rule.Help = &sarifMessage{Text: m.Remediation}
		}
		if m.Family != "" {
			rule.Properties = &sarifRuleProps{Family: m.Family, Tags: []string{m.Family}}
		}
		rules = append(rules, rule)
	}
	var extra []string
	severity := map[string]finding.Severity{}
	for _, f := range r.Findings {
		if _, ok := index[f.Rule]; ok {
			continue
		}
		if _, ok := severity[f.Rule]; !ok {
			extra = append(extra, f.Rule)
		}
		if f.Severity.Rank() > severity[f.Rule].Rank() {
			severity[f.Rule] = f.Severity
		}
	}
	slices.Sort(extra)
	for _, id := range extra {
		index[id] = len(rules)
		rules = append(rules, sarifRule{
			ID:                   id,
			Name:                 ruleName(id),
			DefaultConfiguration: sarifConfiguration{Level: sarifLevel(severity[id])},
		})
	}
	return rules, index
}

func sarifFixFor(paths pathMapper, fx *finding.Fix, span fixSpan) sarifFix {
	del := sarifRegion{StartLine: span.line} // alone: the whole line, less its newline
	if span.exact {
		del.StartColumn, del.EndColumn = span.start+1, span.end+1
	}
	return sarifFix{
		Description: sarifMessage{Text: fixDescription(fx)},
		ArtifactChanges: []sarifArtifactChange{{
			ArtifactLocation: artifactLocation(paths, span.file),
			Replacements:     []sarifReplacement{{DeletedRegion: del, InsertedContent: sarifMessage{Text: fx.New}}},
		}},
	}
}

func artifactLocation(paths pathMapper, file string) sarifArtifactLocation {
	uri, inRepo := paths.URI(file)
	if !inRepo {
		return sarifArtifactLocation{URI: uri}
	}
	return sarifArtifactLocation{URI: uri, URIBaseID: sarifSrcRoot}
}

func sarifLevel(s finding.Severity) string {
	switch s {
	case finding.Error:
		return "error"
	case finding.Info:
		return "note"
	}
	return "warning"
}

// fingerprint identifies a finding across runs: the rule, chart, resource,
// field and value, never the line, so an edit above a finding does not make
// code scanning close the alert and open a new one.
func fingerprint(f finding.Finding) string {
	h := sha256.New()
	for _, part := range []string{f.Rule, f.Chart, f.Resource.Kind, f.Resource.Namespace, f.Resource.Name, f.Field, f.Value} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ruleName turns a kebab-case rule id into SARIF's CamelCase name.
func ruleName(id string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(id, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		rs := []rune(part)
		b.WriteString(string(unicode.ToUpper(rs[0])) + string(rs[1:]))
	}
	return b.String()
}

func withRemediation(msg, remediation string) string {
	if remediation == "" {
		return msg
	}
	return msg + "\nRemediation: " + remediation
}

func fixDescription(fx *finding.Fix) string {
	if fx.Description != "" {
		return fx.Description
	}
	return fmt.Sprintf("Replace %q with %q", fx.Old, fx.New)
}

func chartErrorText(e finding.ChartError) string {
	return fmt.Sprintf("chart %s could not be linted: %s", e.Chart, e.Message)
}
