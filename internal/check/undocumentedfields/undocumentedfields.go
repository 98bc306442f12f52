// Package undocumentedfields reports fields in live answers that the
// operation's documented response schema does not declare. It is strict:
// a schema that lists properties and leaves additionalProperties unset is
// taken as closed, as it is in the generated clients and docs people read.
package undocumentedfields

import (
	"context"
	"net/http"
	"sort"
	"strings"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/internal/live"
	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/surface/safety"
	"github.com/leakhound/leakhound/internal/transport"
)

// Check is the undocumented-response-fields check.
type Check struct{}

var (
	_ check.Check   = (*Check)(nil)
	_ check.Passive = (*Check)(nil)
)

// New returns the check.
func New() *Check { return &Check{} }

// Meta describes the check.
func (*Check) Meta() check.Meta {
	return check.Meta{
		ID:          "undocumented-response-fields",
		Title:       "Response carries fields its API description does not declare",
		Severity:    finding.Low,
		CWE:         []string{"CWE-213"},
		OWASP:       "API3:2023",
		Description: "The live answer of a documented operation contains properties that its response schema does not declare. Undeclared fields are how raw database records reach clients: nobody reviewing the API description sees them. Severity rises with what the field names say (credentials, identity numbers, card numbers, roles).",
		Remediation: "Serialize responses through an explicit allow-list that matches the schema (a response model or a marshmallow/pydantic schema with only the documented fields) instead of returning the stored record, and set `additionalProperties: false` in the spec so that contract tests catch drift.",
	}
}

// maxFields bounds the fields listed per endpoint.
const maxFields = 50

// Run compares every identity's answer of a documented GET with its schema.
func (c *Check) Run(ctx context.Context, ep surface.Endpoint, env check.Env) ([]finding.Finding, error) {
	if !ep.Documented() || len(ep.Responses) == 0 {
		return nil, nil
	}
	var out []finding.Finding
	for _, id := range env.Identities() {
		resp, ok, err := live.Get(ctx, env, ep, id)
		if err != nil {
			return out, err
		}
		if !ok {
			return nil, nil
		}
		if f, ok := c.judge(ep, resp, id); ok {
			out = append(out, f)
		}
	}
	return out, nil
}

// Inspect compares the answers of documented read-POST operations (a
// lookup or a search whose selector is in the body: POST /profile/get
// {"id": …}) with their schema. Run cannot build such a request with a
// value that names a live record, the authorization checks' requests do:
// their answers are read here, so the check costs no request. Writes are
// left out (an answer echoing a probe's injected field is no leak).
func (c *Check) Inspect(ex *transport.Exchange, env check.Env) []finding.Finding {
	if ex.Method == http.MethodGet || ex.Status < 200 || ex.Status >= 300 || ex.Forged != nil {
		return nil
	}
	for _, ep := range env.Endpoints() {
		if ep.Method != ex.Method || ep.Path != ex.Template || !ep.Documented() || ep.GraphQL != nil {
			continue
		}
		if safety.Classify(ep).Class != safety.ReadPOST {
			return nil
		}
		resp := &transport.Response{Status: ex.Status, Header: ex.Header, Body: ex.Body, Truncated: ex.Truncated, URL: ex.URL}
		f, ok := c.judge(ep, resp, check.Identity(env, ex.Identity))
		if !ok {
			return nil
		}
		f.Reproduce = check.FromExchange(c.Meta(), ex, check.Identity(env, ex.Identity)).Reproduce
		return []finding.Finding{f}
	}
	return nil
}

// judge compares one 2xx JSON answer of ep with its documented schema.
func (c *Check) judge(ep surface.Endpoint, resp *transport.Response, id transport.Identity) (finding.Finding, bool) {
	if !live.OK(resp) {
		return finding.Finding{}, false
	}
	schema := ep.ResponseSchema(resp.Status)
	if schema.IsEmpty() {
		return finding.Finding{}, false
	}
	v, isJSON := live.JSON(resp)
	if !isJSON {
		return finding.Finding{}, false
	}
	fields := schema.UndocumentedFields(v, maxFields)
	if len(fields) == 0 {
		return finding.Finding{}, false
	}
	f := check.New(c.Meta(), ep, resp, id)
	// Severity follows values, not names: a card already masked
	// under an undocumented card_number is no card.
	worst := detect.LevelNone
	var values []finding.Value
	var sensitive []string
	for _, p := range fields {
		name := p[strings.LastIndexAny(p, ".]")+1:]
		raw, ok := live.Lookup(v, p)
		if !ok {
			continue
		}
		ms := detect.FindValues(map[string]any{name: raw})
		ms = append(detect.Only(ms, detect.PII), detect.Only(ms, detect.Secret)...)
		if len(ms) == 0 {
			continue
		}
		worst = max(worst, detect.WorstLevel(ms))
		sensitive = append(sensitive, p)
		for _, m := range ms {
			values = append(values, finding.NewValue(string(m.Type), p, m.Value().Raw()))
		}
	}
	switch {
	case worst >= detect.LevelCritical:
		f.Severity = finding.High
	case worst >= detect.LevelPersonal:
		f.Severity = finding.Medium
	default:
		f.Severity = finding.Low
	}
	sort.Strings(sensitive)
	excerpt := "undocumented: " + strings.Join(fields, ", ")
	f.Evidence = finding.NewEvidence(check.RequestLine(ep.Method, resp.URL), resp.Status, excerpt, values)
	f.Evidence.Details = map[string]string{"fields": strings.Join(fields, ","), "schema": schema.String()}
	if len(sensitive) > 0 {
		f.Evidence.Details["sensitive_fields"] = strings.Join(sensitive, ",")
	}
	return f, true
}
