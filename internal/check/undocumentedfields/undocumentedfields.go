// Package undocumentedfields reports fields in live answers that the
// operation's documented response schema does not declare. It is strict:
// a schema that lists properties and leaves additionalProperties unset is
// taken as closed, as it is in the generated clients and docs people read.
package undocumentedfields

import (
	"context"
	"sort"
	"strings"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/internal/live"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/surface"
)

// Check is the undocumented-response-fields check.
type Check struct{}

var _ check.Check = (*Check)(nil)

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

// Run compares every identity's answer with the documented schema.
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
		if !live.OK(resp) {
			continue
		}
		schema := ep.ResponseSchema(resp.Status)
		if schema.IsEmpty() {
			continue
		}
		v, isJSON := live.JSON(resp)
		if !isJSON {
			continue
		}
		fields := schema.UndocumentedFields(v, maxFields)
		if len(fields) == 0 {
			continue
		}
		f := check.New(c.Meta(), ep, resp, id)
		worst := surface.NotSensitive
		var values []finding.Value
		var sensitive []string
		for _, p := range fields {
			name := p[strings.LastIndexAny(p, ".]")+1:]
			s := surface.FieldSensitivity(name)
			worst = max(worst, s)
			if s == surface.NotSensitive {
				continue
			}
			sensitive = append(sensitive, p)
			if raw, ok := live.Lookup(v, p); ok {
				if text := surface.Scalar(raw); text != "" {
					values = append(values, finding.NewValue(valueType(name, s), p, text))
				}
			}
		}
		switch worst {
		case surface.Secret:
			f.Severity = finding.High
		case surface.Personal, surface.Internal:
			f.Severity = finding.Medium
		}
		sort.Strings(sensitive)
		excerpt := "undocumented: " + strings.Join(fields, ", ")
		f.Evidence = finding.NewEvidence(check.RequestLine(ep.Method, resp.URL), resp.Status, excerpt, values)
		f.Evidence.Details = map[string]string{"fields": strings.Join(fields, ","), "schema": schema.String()}
		if len(sensitive) > 0 {
			f.Evidence.Details["sensitive_fields"] = strings.Join(sensitive, ",")
		}
		out = append(out, f)
	}
	return out, nil
}

// valueType maps a field name to a masking type of finding.Mask.
func valueType(name string, s surface.Sensitivity) string {
	n := strings.ToLower(name)
	if s == surface.Internal {
		return "internal"
	}
	switch {
	case strings.Contains(n, "ssn") || strings.Contains(n, "social"):
		return "ssn"
	case strings.Contains(n, "card") || n == "pan":
		return "card"
	case strings.Contains(n, "email"):
		return "email"
	case strings.Contains(n, "phone"):
		return "phone"
	case strings.Contains(n, "iban"):
		return "iban"
	case s == surface.Personal:
		return "personal"
	}
	return "secret"
}
