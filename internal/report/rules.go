package report

import (
	"slices"
	"strings"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/finding"
)

// rulesFor returns the metas of every check that ran plus any check seen in
// the findings but not described, sorted by id, without duplicates.
func rulesFor(known []check.Meta, fs []finding.Finding) []check.Meta {
	seen := map[string]bool{}
	var out []check.Meta
	for _, m := range known {
		if m.ID == "" || seen[m.ID] {
			continue
		}
		seen[m.ID] = true
		out = append(out, m)
	}
	for _, f := range fs {
		if seen[f.Check] {
			continue
		}
		seen[f.Check] = true
		out = append(out, check.Meta{
			ID: f.Check, Title: f.Title, Severity: f.Severity, CWE: f.CWE,
			OWASP: f.OWASP, Description: f.Description, Remediation: f.Remediation,
		})
	}
	slices.SortFunc(out, func(a, b check.Meta) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// cweNumber returns "639" for "CWE-639" or "639".
func cweNumber(c string) string {
	c = strings.TrimSpace(c)
	if len(c) > 4 && strings.EqualFold(c[:4], "CWE-") {
		return c[4:]
	}
	return c
}

// cweURL links a CWE to its MITRE definition.
func cweURL(c string) string {
	return "https://cwe.mitre.org/data/definitions/" + cweNumber(c) + ".html"
}

// owaspID returns "API1:2023" from "API1:2023 Broken Object Level Authorization".
func owaspID(o string) string {
	id, _, _ := strings.Cut(strings.TrimSpace(o), " ")
	return id
}

// endpoint is "GET /users/{id}".
func endpoint(f *finding.Finding) string {
	return strings.TrimSpace(f.Method + " " + f.Path + " " + f.Operation)
}
