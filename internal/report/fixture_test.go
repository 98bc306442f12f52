package report

import (
	"time"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/score"
)

// fixtureRules describe the checks of fixtureReport, plus one clean check.
func fixtureRules() []check.Meta {
	return []check.Meta{
		{ID: "bola", Title: "Broken object level authorization", Severity: finding.Critical, CWE: []string{"CWE-639", "CWE-862"}, OWASP: "API1:2023",
			Description: "An identity can read objects that belong to another identity by changing the object id.",
			Remediation: "Check ownership on every object access:\n\n```python\nif order.owner_id != current_user.id:\n    abort(404)\n```"},
		{ID: "bfla", Title: "Admin function reachable by a regular user", Severity: finding.High, CWE: []string{"CWE-285"}, OWASP: "API5:2023",
			Description: "A function meant for administrators answers a regular user.", Remediation: "Enforce roles on the server for every admin route."},
		{ID: "cors-reflection", Title: "CORS reflects any origin with credentials", Severity: finding.Medium, CWE: []string{"CWE-942"}, OWASP: "API8:2023",
			Description: "The API echoes the Origin header and allows credentials.", Remediation: "Allow only a fixed list of origins."},
		{ID: "security-headers", Title: "Missing security header", Severity: finding.Low, CWE: []string{"CWE-693"}, OWASP: "API8:2023",
			Description: "A hardening header is missing.", Remediation: "Send `Cache-Control: no-store` and `X-Content-Type-Options: nosniff`."},
		{ID: "version-banner", Title: "Server version banner", Severity: finding.Info, CWE: []string{"CWE-200"}, OWASP: "API8:2023",
			Description: "The server names its software and version.", Remediation: "Remove the Server header version."},
		{ID: "jwt-none", Title: "JWT accepted with alg none", Severity: finding.Critical, CWE: []string{"CWE-347"}, OWASP: "API2:2023",
			Description: "Unsigned tokens are accepted.", Remediation: "Pin the accepted algorithms."},
	}
}

// fixtureReport is a deterministic report that exercises every field the
// reporters render: several severities, repeated checks, masked values,
// instances, a suppressed finding, a partial-scan error, an HTML-hostile
// string and category scores.
func fixtureReport() *finding.Report {
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	mk := func(m check.Meta, method, path, id string, status int, excerpt string, values ...finding.Value) finding.Finding {
		f := finding.Finding{
			Check: m.ID, Title: m.Title, Description: m.Description, Severity: m.Severity, Confidence: finding.ConfidenceHigh,
			CWE: m.CWE, OWASP: m.OWASP, Method: method, Path: path, URL: "http://127.0.0.1:8080" + path, Identity: id,
			Remediation: m.Remediation,
			Evidence:    finding.NewEvidence(method+" "+path, status, excerpt, values),
			Reproduce:   "curl -sS -i -H \"Authorization: $LEAKHOUND_" + id + "_AUTHORIZATION\" 'http://127.0.0.1:8080" + path + "'",
		}
		return f
	}
	r := fixtureRules()
	verified := true
	email := finding.NewValue("email", "$.email", "bob.martin@example.org")
	ssn := finding.NewValue("ssn", "$.ssn", "123-45-6789")
	card := finding.NewValue("payment_card", "$.card", "4111 1111 1111 1111")
	bola := mk(r[0], "GET", "/users/{id}", "alice", 200, `{"id":2,"email":"bob.martin@example.org","ssn":"123-45-6789","card":"4111 1111 1111 1111"}`, email, ssn, card)
	bola.Subject = "bob"
	bola.Evidence.Details = map[string]string{"owner": "bob"}
	bola.Instances = []finding.Instance{
		{Method: "GET", URL: "http://127.0.0.1:8080/users/2", Identity: "alice", Status: 200},
		{Method: "GET", URL: "http://127.0.0.1:8080/users/3", Identity: "alice", Status: 200},
	}
	bolaOrders := mk(r[0], "GET", "/orders/{id}", "anonymous", 200, `{"order":7,"email":"alice@example.com"}`, finding.NewValue("email", "$.email", "alice@example.com"))
	bolaOrders.Evidence.Details = map[string]string{"owner": "alice"}
	bfla := mk(r[1], "DELETE", "/admin/users/{id}", "alice", 204, "")
	bfla.Confidence = finding.ConfidenceMedium
	cors := mk(r[2], "GET", "/me", "anonymous", 200, "Access-Control-Allow-Origin: https://evil.example\nAccess-Control-Allow-Credentials: true")
	cors.Subject = "Access-Control-Allow-Origin"
	h1 := mk(r[3], "GET", "/me", "anonymous", 200, "")
	h1.Subject = "Cache-Control"
	h2 := mk(r[3], "GET", "/users/{id}", "anonymous", 200, "")
	h2.Subject = "Cache-Control"
	banner := mk(r[4], "GET", "/", "anonymous", 200, "Server: Werkzeug/3.0.1 Python/3.12 <script>alert(1)</script>")
	banner.Suppressed = &finding.Suppression{Reason: "banner accepted until the proxy lands", Expires: "2099-01-01", Rule: "check=version-banner"}
	fs := []finding.Finding{bola, bolaOrders, bfla, cors, h1, h2, banner}
	for i := range fs {
		fs[i].ComputeFingerprint()
		fs[i].Occurrences = max(1, len(fs[i].Instances))
	}
	finding.Sort(fs)
	rep := &finding.Report{
		SchemaVersion: finding.SchemaVersion,
		Tool:          finding.Tool{Name: "leakhound", Version: "0.0.0-test"},
		Target:        "http://127.0.0.1:8080/",
		StartedAt:     start,
		FinishedAt:    start.Add(1500 * time.Millisecond),
		DurationMS:    1500,
		RequestsSent:  42,
		RequestsByCheck: map[string]int{
			"baseline": 12, "bola": 20, "bfla": 6, "cors-reflection": 4,
		},
		Endpoints: 5,
		Partial:   true,
		Errors:    []string{"request budget of 42 reached"},
		Warnings:  []string{"user-enumeration: 1 comparison dropped: the target rate-limited it (429)"},
		SkippedOperations: []finding.SkippedOperation{
			{Method: "GET", Path: "/api/logout", Reason: `never sent: ends the scan's sessions (path segment "logout")`, Refused: 2},
			{Method: "DELETE", Path: "/users/{id}", Reason: "destructive (DELETE method): sent only to objects this scan created"},
		},
		RequestsRefused: 2,
		Writes: []finding.Write{
			{Seq: 1, Time: start, Method: "PATCH", URL: "http://127.0.0.1:8080/users/2", Identity: "alice", Purpose: "bola: change nickname", Status: 200,
				RestoreRequest: "PATCH http://127.0.0.1:8080/users/2", RestoreVerified: &verified},
			{Seq: 2, Time: start, Method: "PATCH", URL: "http://127.0.0.1:8080/users/2", Identity: "bob", Purpose: "bola: restore nickname", Status: 200, Restores: 1},
			{Seq: 3, Time: start, Method: "POST", URL: "http://127.0.0.1:8080/register", Identity: "anonymous", Purpose: "user-enumeration", Status: 201, Created: "/users/9"},
		},
		Findings: fs,
	}
	covered := []string{}
	for _, m := range r {
		covered = append(covered, m.OWASP)
	}
	score.Apply(rep, covered)
	return rep
}
