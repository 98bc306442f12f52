// Package piiexposure reports personal data in API responses: SSNs, card
// numbers, IBANs and national IDs, or the contact data of many people.
package piiexposure

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/internal/authz"
	"github.com/leakhound/leakhound/internal/check/internal/exposure"
	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/transport"
)

// Check is the pii-exposure check.
type Check struct {
	mu sync.Mutex
	// scans holds, per scan, what an owner-only verdict needs.
	scans map[check.Env]*scanState
}

var (
	_ check.Passive  = (*Check)(nil)
	_ check.Finisher = (*Check)(nil)
)

// New returns the check.
func New() *Check { return &Check{scans: map[check.Env]*scanState{}} }

// scanState is what one scan taught: the findings held until every check
// ran, and who was served or refused each request.
type scanState struct {
	held []heldFinding
	// answers maps a request (method, URL, body) to the identities that got
	// data (true) or were refused (false).
	answers map[string]map[string]bool
}

// heldFinding is personal data an authenticated caller received that may
// be its own: one person's record, or an administrator's list of contact
// data. It is reported at Finish unless the same request was refused to
// everyone else who sent it.
type heldFinding struct {
	key, identity string
	admin         bool
	f             finding.Finding
}

// maxAnswers bounds the requests remembered per scan.
const maxAnswers = 50000

func requestKey(ex *transport.Exchange) string {
	return ex.Method + " " + ex.URL + " " + string(ex.ReqBody)
}

// record notes whether ex's caller got data or was refused.
func (c *Check) record(ex *transport.Exchange, env check.Env) {
	served := ex.Status >= 200 && ex.Status < 300 && len(ex.Body) > 0
	refused := ex.Status == 401 || ex.Status == 403 || ex.Status == 404 || ex.Status == 410
	if !keyable(env) || (!served && !refused) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	st := c.state(env)
	k := requestKey(ex)
	if st.answers[k] == nil {
		if len(st.answers) >= maxAnswers {
			return
		}
		st.answers[k] = map[string]bool{}
	}
	if prev, ok := st.answers[k][ex.Identity]; !ok || !prev {
		st.answers[k][ex.Identity] = served
	}
}

// state returns env's scan state; the caller holds c.mu.
func (c *Check) state(env check.Env) *scanState {
	if c.scans == nil {
		c.scans = map[check.Env]*scanState{}
	}
	st := c.scans[env]
	if st == nil {
		st = &scanState{answers: map[string]map[string]bool{}}
		c.scans[env] = st
	}
	return st
}

// Finish reports the held findings, except the data an endpoint serves
// only to those entitled to it: the same request refused (401, 403, 404)
// to every other identity that sent it, another normal user among them — the owner reading her own IBAN
// on an ownership-enforced endpoint, an administrator reading the user
// list users and anonymous callers are refused. The authorization checks
// (bola, bfla) send those other requests.
func (c *Check) Finish(_ context.Context, env check.Env) []finding.Finding {
	if !keyable(env) {
		return nil
	}
	c.mu.Lock()
	st := c.scans[env]
	delete(c.scans, env)
	c.mu.Unlock()
	if st == nil {
		return nil
	}
	admins, normal := map[string]bool{}, map[string]bool{}
	for _, id := range env.Identities() {
		admins[id.Name] = authz.IsAdmin(id)
		normal[id.Name] = !id.IsAnonymous() && !authz.IsAdmin(id)
	}
	var out []finding.Finding
	for _, h := range st.held {
		// A refused anonymous caller proves a login is needed, not
		// ownership: another normal user must have been refused too.
		users, served := 0, false
		for who, got := range st.answers[h.key] {
			// Another administrator may read the owner's record by design.
			if who == h.identity || (!h.admin && admins[who]) {
				continue
			}
			if normal[who] {
				users++
			}
			served = served || got
		}
		if users > 0 && !served {
			continue // served only to its owner or to administrators
		}
		out = append(out, h.f)
	}
	return out
}

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
	// Names and usernames alone (a staff directory, author cards) locate
	// nobody: many of them are still no more than medium.
	identityOnly := true
	for _, m := range ms {
		if detect.LevelOf(m.Type) > detect.LevelIdentity {
			identityOnly = false
		}
	}
	switch {
	case identityOnly && many >= 2:
		return finding.Medium, true
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
	c.record(ex, env)
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
	return c.hold(ex, env, id, ms, res, sev)
}

// hold returns the finding of ex, or holds it until Finish when the data
// may be the caller's own or its administrative view.
func (c *Check) hold(ex *transport.Exchange, env check.Env, id transport.Identity, ms []detect.Match, res *detect.Result, sev finding.Severity) []finding.Finding {
	f := check.FromExchange(c.Meta(), ex, id)
	f.Severity = sev
	f.Confidence = exposure.Confidence(ms)
	f.Subject = "personal-data"
	types := exposure.Types(ms)
	f.Title = "Personal data exposed in API response: " + strings.Join(types, ", ")
	f.Description += fmt.Sprintf(" Seen: %s in %d record(s) describing %d distinct people.", strings.Join(types, ", "), max(1, res.Records), max(1, res.People))
	f.Evidence = exposure.Evidence(ex, res, ms)
	admin := authz.IsAdmin(id)
	// Discovery's answers are judged by the engine against soft-404s.
	if !keyable(env) || ex.Check == "discovery" || id.IsAnonymous() || !(max(res.People, res.Records) <= 1 || admin && !sensitive(ms)) {
		return []finding.Finding{f}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	st := c.state(env)
	st.held = append(st.held, heldFinding{key: requestKey(ex), identity: ex.Identity, admin: admin, f: f})
	return nil
}

// keyable reports whether env can key a scan's state: a scan's Env is a
// pointer; a test's value Env that is no map key gets immediate findings.
func keyable(env check.Env) bool { return env != nil && reflect.TypeOf(env).Comparable() }

func sensitive(ms []detect.Match) bool {
	for _, m := range ms {
		if exposure.Sensitive(m.Type) {
			return true
		}
	}
	return false
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
	case authz.IsAdmin(id) && sev > finding.Low:
		return finding.Low, true
	}
	return sev, true
}
