// Package piiexposure reports personal data in API responses: SSNs, card
// numbers, IBANs and national IDs, or the contact data of many people.
package piiexposure

import (
	"fmt"
	"strings"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/internal/exposure"
	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/transport"
)

// Check is the pii-exposure check.
type Check struct{}

var _ check.Passive = (*Check)(nil)

// New returns the check.
func New() *Check { return &Check{} }

// Meta describes the check.
func (*Check) Meta() check.Meta {
	return check.Meta{
		ID:       "pii-exposure",
		Title:    "Personal data exposed in API response",
		Severity: finding.High,
		CWE:      []string{"CWE-359", "CWE-200"},
		OWASP:    "API3:2023",
		Description: "The response carries personal data (such as social security or card numbers, or the contact details " +
			"of many people) beyond what a client needs. Anyone who can call the endpoint, or read its responses in logs " +
			"and caches, gets it.",
		Remediation: exposure.RemediationPII,
	}
}

// Severity grades personal data by what and how much: one sensitive
// identifier is high, many people's identifiers critical; contact data is
// high for ten people or more, medium for a few or for one person's full
// profile (three kinds of data including a date of birth, an address or a
// location), low for one person's date of birth, address or location alone,
// and nothing for one person's name, e-mail or phone.
func Severity(ms []detect.Match, people, records int) (finding.Severity, bool) {
	sensitive, personal := false, false
	kinds := len(exposure.Types(ms))
	for _, m := range ms {
		switch {
		case exposure.Sensitive(m.Type):
			sensitive = true
		case m.Type == detect.TypeDOB || m.Type == detect.TypeAddress || m.Type == detect.TypeGeo:
			personal = true
		}
	}
	many := max(people, records)
	switch {
	case sensitive && many >= 10:
		return finding.Critical, true
	case sensitive:
		return finding.High, true
	case many >= 10:
		return finding.High, true
	case many >= 2, personal && kinds >= 3:
		return finding.Medium, true
	case personal:
		return finding.Low, true
	}
	return finding.Info, false
}

// Inspect reports the personal data of one response.
func (c *Check) Inspect(ex *transport.Exchange, env check.Env) []finding.Finding {
	res := exposure.Analyze(ex)
	ms := exposure.PII(res)
	if len(ms) == 0 {
		return nil
	}
	sev, ok := Severity(ms, res.People, res.Records)
	if !ok {
		return nil
	}
	id := check.Identity(env, ex.Identity)
	if sev, ok = forCaller(sev, ms, max(res.People, res.Records), id); !ok {
		return nil
	}
	f := check.FromExchange(c.Meta(), ex, id)
	f.Severity = sev
	f.Confidence = exposure.Confidence(ms)
	f.Subject = "personal-data"
	types := exposure.Types(ms)
	f.Title = "Personal data exposed in API response: " + strings.Join(types, ", ")
	f.Description += fmt.Sprintf(" Seen: %s in %d record(s) describing %d distinct people.", strings.Join(types, ", "), max(1, res.Records), max(1, res.People))
	f.Evidence = exposure.Evidence(ex, res, ms)
	return []finding.Finding{f}
}

// forCaller weighs who received the data. Contact data of one person sent to
// an authenticated caller is the caller's own profile or a record the
// authorization checks judge (bola): not an exposure by itself. Lists of
// contact data are what an administrator's views are for: they stay visible
// at low. Sensitive identifiers (SSN, card, national ids) keep their
// severity for everyone: no view needs them whole.
func forCaller(sev finding.Severity, ms []detect.Match, many int, id transport.Identity) (finding.Severity, bool) {
	if id.IsAnonymous() {
		return sev, true
	}
	for _, m := range ms {
		if exposure.Sensitive(m.Type) {
			return sev, true
		}
	}
	switch {
	case many <= 1:
		return sev, false
	case id.Role == "admin" && sev > finding.Low:
		return finding.Low, true
	}
	return sev, true
}
