package report

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/finding"
)

// SARIF writes a SARIF 2.1.0 log that GitHub code scanning accepts: one rule
// per check, one result per finding with the finding fingerprint as its
// partial fingerprint, the endpoint as a logical location and a
// repository-relative pseudo path (code scanning rejects URL schemes in
// artifact locations), and the request as a webRequest.
//
// The SARIF types are written by hand: the subset leakhound needs is small
// and a test validates every log against the official schema.
type SARIF struct {
	Rules []check.Meta
	// Category is the run's automationDetails.id category ("" derives it
	// from the target: Category).
	Category string
}

var _ Reporter = SARIF{}

const (
	sarifSchema  = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	toolURI      = "https://github.com/leakhound/leakhound"
	fingerprintV = "leakhound/v1"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool              sarifTool         `json:"tool"`
	AutomationDetails *sarifAutomation  `json:"automationDetails,omitempty"`
	Invocations       []sarifInvocation `json:"invocations"`
	Results           []sarifResult     `json:"results"`
	// OriginalURIBaseIDs resolves the results' uriBaseId: the target.
	OriginalURIBaseIDs map[string]sarifArtifact `json:"originalUriBaseIds,omitempty"`
	Properties         map[string]any           `json:"properties,omitempty"`
}

type sarifAutomation struct {
	ID string `json:"id"`
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

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	Help                 sarifText      `json:"help"`
	HelpURI              string         `json:"helpUri,omitempty"`
	DefaultConfiguration sarifConfig    `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	StartTimeUTC               string              `json:"startTimeUtc,omitempty"`
	EndTimeUTC                 string              `json:"endTimeUtc,omitempty"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level   string    `json:"level"`
	Message sarifText `json:"message"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifText          `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	WebRequest          *sarifWebRequest   `json:"webRequest,omitempty"`
	WebResponse         *sarifWebResponse  `json:"webResponse,omitempty"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	Properties          map[string]any     `json:"properties"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical     `json:"physicalLocation"`
	LogicalLocations []sarifLogical    `json:"logicalLocations"`
	Message          *sarifText        `json:"message,omitempty"`
	Properties       map[string]string `json:"properties,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

// targetBase is the uriBaseId of every result location: the scanned API's
// origin, given in the run's originalUriBaseIds.
const targetBase = "TARGET"

type sarifLogical struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

type sarifWebRequest struct {
	Protocol string `json:"protocol,omitempty"`
	Method   string `json:"method,omitempty"`
	Target   string `json:"target,omitempty"`
	// Body is the request body: the GraphQL document and variables.
	Body *sarifText `json:"body,omitempty"`
}

type sarifWebResponse struct {
	StatusCode int `json:"statusCode,omitempty"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	Justification string `json:"justification,omitempty"`
}

// SARIFLevel maps a severity to a SARIF level.
func SARIFLevel(s finding.Severity) string {
	switch s {
	case finding.Critical, finding.High:
		return "error"
	case finding.Medium:
		return "warning"
	default:
		return "note"
	}
}

// SecuritySeverity is the CVSS-like number GitHub reads from
// properties.security-severity: ≥ 9 critical, ≥ 7 high, ≥ 4 medium, > 0 low.
func SecuritySeverity(s finding.Severity) string {
	switch s {
	case finding.Critical:
		return "9.5"
	case finding.High:
		return "8.0"
	case finding.Medium:
		return "5.5"
	case finding.Low:
		return "3.0"
	default:
		return "0.0"
	}
}

// Report writes r as SARIF.
func (s SARIF) Report(w io.Writer, r *finding.Report) error {
	r = cleanReport(r) // nothing from the target drives a terminal or breaks a parser
	rules := rulesFor(s.Rules, r.Findings)
	index := map[string]int{}
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name: orDefault(r.Tool.Name, "leakhound"), Version: r.Tool.Version,
			InformationURI: toolURI, Rules: make([]sarifRule, 0, len(rules)),
		}},
		AutomationDetails:  &sarifAutomation{ID: orDefault(s.Category, Category(r.Target)) + "/"},
		Results:            make([]sarifResult, 0, len(r.Findings)),
		OriginalURIBaseIDs: map[string]sarifArtifact{targetBase: {URI: targetOrigin(r.Target)}},
		Properties: map[string]any{
			"target": r.Target, "score": r.Score, "grade": r.Grade,
			"scoreModel": r.ScoreModel, "partial": r.Partial, "requestsSent": r.RequestsSent,
		},
	}
	if len(r.Categories) > 0 {
		run.Properties["categories"] = r.Categories
	}
	for i, m := range rules {
		index[m.ID] = i
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleOf(m))
	}
	inv := sarifInvocation{ExecutionSuccessful: !r.Partial && len(r.Incomplete) == 0}
	if len(r.Incomplete) > 0 {
		run.Properties["incomplete"] = r.Incomplete
	}
	// An incomplete scan is said first: no grade, and why.
	for _, why := range r.Incomplete {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{Level: "error", Message: sarifText{Text: "scan incomplete: " + why}})
	}
	if !r.StartedAt.IsZero() {
		inv.StartTimeUTC = r.StartedAt.UTC().Format(time.RFC3339)
	}
	if !r.FinishedAt.IsZero() {
		inv.EndTimeUTC = r.FinishedAt.UTC().Format(time.RFC3339)
	}
	for _, e := range r.Errors {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{Level: "error", Message: sarifText{Text: e}})
	}
	// What was not tested: the coverage and the skipped operations in the
	// run's properties, each skipped operation also as a note.
	if r.Coverage != nil {
		run.Properties["coverage"] = r.Coverage
	}
	for _, wn := range r.Warnings {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{Level: "warning", Message: sarifText{Text: wn}})
	}
	if len(r.SkippedOperations) > 0 {
		run.Properties["skippedOperations"] = r.SkippedOperations
		run.Properties["requestsRefused"] = r.RequestsRefused
		for _, op := range r.SkippedOperations {
			inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{Level: "note",
				Message: sarifText{Text: "not tested: " + op.Method + " " + op.Path + " — " + op.Reason}})
		}
	}
	run.Invocations = []sarifInvocation{inv}
	for i := range r.Findings {
		run.Results = append(run.Results, sarifResultOf(&r.Findings[i], index[r.Findings[i].Check]))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarifLog{Schema: sarifSchema, Version: "2.1.0", Runs: []sarifRun{run}})
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// Category is the default SARIF run category of a target:
// "leakhound/SCHEME/HOST", stable across runs so that code scanning keeps
// one analysis per target. A loopback target's port is left out: test
// servers take a new port every run.
func Category(target string) string {
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		return "leakhound/target"
	}
	host := u.Host
	if isLoopback(u.Hostname()) {
		host = u.Hostname()
	}
	return "leakhound/" + u.Scheme + "/" + strings.Trim(host, "[]")
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func sarifRuleOf(m check.Meta) sarifRule {
	tags := []string{"security"}
	for _, c := range m.CWE {
		tags = append(tags, "external/cwe/cwe-"+cweNumber(c))
	}
	if id := owaspID(m.OWASP); id != "" {
		tags = append(tags, "owasp-"+strings.ToLower(id))
	}
	full := orDefault(m.Description, m.Title)
	return sarifRule{
		ID:                   m.ID,
		Name:                 ruleName(m.ID),
		ShortDescription:     sarifText{Text: orDefault(m.Title, m.ID)},
		FullDescription:      sarifText{Text: full},
		Help:                 sarifText{Text: helpText(m), Markdown: helpMarkdown(m)},
		HelpURI:              toolURI + "/blob/main/docs/checks.md#" + m.ID,
		DefaultConfiguration: sarifConfig{Level: SARIFLevel(m.Severity)},
		Properties: map[string]any{
			"tags":              tags,
			"security-severity": SecuritySeverity(m.Severity),
			"precision":         "high",
			"problem.severity":  sarifProblemSeverity(m.Severity),
		},
	}
}

func sarifProblemSeverity(s finding.Severity) string {
	switch SARIFLevel(s) {
	case "error":
		return "error"
	case "warning":
		return "warning"
	default:
		return "recommendation"
	}
}

// ruleName turns bola-object-access into BolaObjectAccess.
func ruleName(id string) string {
	var b strings.Builder
	up := true
	for _, r := range id {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			up = true
			continue
		}
		if up {
			r = unicode.ToUpper(r)
			up = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

func helpText(m check.Meta) string {
	s := orDefault(m.Description, m.Title)
	if m.Remediation != "" {
		s += "\n\nRemediation: " + m.Remediation
	}
	return s
}

func helpMarkdown(m check.Meta) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## %s\n\n", orDefault(m.Title, m.ID))
	if m.Description != "" {
		fmt.Fprintf(&b, "%s\n\n", m.Description)
	}
	if m.Remediation != "" {
		fmt.Fprintf(&b, "### Remediation\n\n%s\n\n", m.Remediation)
	}
	var refs []string
	for _, c := range m.CWE {
		refs = append(refs, fmt.Sprintf("[CWE-%s](%s)", cweNumber(c), cweURL(c)))
	}
	if m.OWASP != "" {
		refs = append(refs, "OWASP API Security Top 10 "+m.OWASP)
	}
	if len(refs) > 0 {
		fmt.Fprintf(&b, "**References:** %s\n", strings.Join(refs, " · "))
	}
	return strings.TrimSpace(b.String())
}

// artifactURI is a repository-relative pseudo path for an endpoint, such as
// api/users/%7Bid%7D for /api/users/{id}: code scanning accepts only paths.
// artifactURI locates a finding by its operation: the path template
// relative to the target's origin (uriBaseId TARGET), placeholders escaped
// ({id} → %7Bid%7D); "./" for site-wide findings. It is never an invented
// file path: resolved against originalUriBaseIds it is the operation's URL.
func artifactURI(path string) sarifArtifact {
	p, _, _ := strings.Cut(path, "?")
	segs := strings.Split(strings.Trim(p, "/"), "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	out := strings.Join(segs, "/")
	if out == "" || out == "%2A" {
		out = "./"
	}
	return sarifArtifact{URI: out, URIBaseID: targetBase}
}

// targetOrigin is the target's origin with a trailing slash, the base
// every artifactURI resolves against.
func targetOrigin(target string) string {
	u, err := url.Parse(target)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return target
	}
	return u.Scheme + "://" + u.Host + "/"
}

// message says what was found where, with masked values only.
func message(f *finding.Finding) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s on %s", f.Title, endpoint(f))
	if f.Identity != "" {
		fmt.Fprintf(&b, " as %s", f.Identity)
	}
	if f.Subject != "" {
		fmt.Fprintf(&b, " (%s)", f.Subject)
	}
	if n := len(f.Evidence.Values); n > 0 {
		parts := make([]string, 0, min(n, 5))
		for _, v := range f.Evidence.Values[:min(n, 5)] {
			parts = append(parts, v.Type+" "+v.Masked)
		}
		fmt.Fprintf(&b, ": %s", strings.Join(parts, ", "))
		if n > 5 {
			fmt.Fprintf(&b, " and %d more", n-5)
		}
	}
	b.WriteString(".")
	return b.String()
}

func sarifResultOf(f *finding.Finding, ruleIndex int) sarifResult {
	fqn := endpoint(f)
	res := sarifResult{
		RuleID:    f.Check,
		RuleIndex: ruleIndex,
		Level:     SARIFLevel(f.Severity),
		Message:   sarifText{Text: message(f)},
		Locations: []sarifLocation{{
			PhysicalLocation: sarifPhysical{ArtifactLocation: artifactURI(f.Path)},
			LogicalLocations: []sarifLogical{{Name: strings.TrimSpace(f.Path + " " + f.Operation), FullyQualifiedName: fqn, Kind: "resource"}},
		}},
		PartialFingerprints: map[string]string{fingerprintV: f.Fingerprint},
		Properties: map[string]any{
			"severity":          f.Severity.String(),
			"confidence":        f.Confidence.String(),
			"security-severity": SecuritySeverity(f.Severity),
			"cwe":               nonNil(f.CWE),
			"owasp":             f.OWASP,
			"identity":          f.Identity,
		},
	}
	if f.URL != "" {
		res.Locations[0].Properties = map[string]string{"url": f.URL}
		res.Properties["url"] = f.URL
		res.WebRequest = &sarifWebRequest{Protocol: "HTTP", Method: f.Method, Target: f.URL}
		if f.GraphQLBody != "" {
			res.WebRequest.Body = &sarifText{Text: f.GraphQLBody}
		}
	}
	if f.Operation != "" {
		res.Properties["operation"] = f.Operation
	}
	if f.Evidence.Status != 0 {
		res.WebResponse = &sarifWebResponse{StatusCode: f.Evidence.Status}
	}
	if f.Reproduce != "" {
		res.Properties["reproduce"] = f.Reproduce
	}
	if len(f.Evidence.Values) > 0 {
		res.Properties["values"] = f.Evidence.Values
	}
	if n := len(f.Instances); n > 1 {
		res.Properties["instances"] = n
	}
	if f.Suppressed != nil {
		res.Suppressions = []sarifSuppression{{Kind: "external", Status: "accepted", Justification: f.Suppressed.Reason}}
	}
	return res
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
