package all

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/scan"
	"github.com/leakhound/leakhound/internal/testapi"
	"github.com/leakhound/leakhound/internal/transport"
)

// exposureChecks are the checks of the exposure area.
var exposureChecks = map[string]bool{
	"error-disclosure": true, "debug-mode": true, "exposed-file": true, "flask-session-cookie": true, "jwt-weakness": true,
	"cors-misconfig": true, "cacheable-sensitive-response": true, "pii-in-url": true, "transport": true,
}

func scanDemo(t *testing.T, v testapi.Variant, o Options) (*finding.Report, *testapi.API) {
	t.Helper()
	api := testapi.New(v)
	base, stop, err := testapi.Serve(context.Background(), api)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	u, _ := url.Parse(base)
	set := New(o)
	rep, err := scan.Run(context.Background(), scan.Options{
		Client: transport.Config{Target: u, Concurrency: 4, MaxRequests: 3000},
		Identities: []transport.Identity{
			{Name: "alice", Header: http.Header{"Authorization": {"Bearer " + testapi.AliceToken}}},
			{Name: "bob", Header: http.Header{"Authorization": {"Bearer " + testapi.BobToken}}},
		},
		Checks:  set.Active,
		Passive: set.Passive,
	})
	if err != nil {
		t.Fatal(err)
	}
	return rep, api
}

func TestExposureOnDemoAPI(t *testing.T) {
	rep, api := scanDemo(t, testapi.Vulnerable, Options{ForgeSessions: true})
	got := map[string]finding.Severity{}
	for _, f := range rep.Findings {
		k := f.Check + " " + f.Subject
		if f.Severity > got[k] {
			got[k] = f.Severity
		}
		if f.Check == "error-disclosure" {
			// One error handler: one finding whose instances are the endpoints.
			for _, in := range f.Instances {
				for _, p := range []string{"/api/appointments/", "/api/invoices/", "/api/search?q="} {
					if strings.Contains(in.URL, p) {
						got["error-disclosure "+p] = f.Severity
					}
				}
			}
		}
		if f.Check == "exposed-file" {
			got["exposed-file "+f.Path] = f.Severity
		}
	}
	want := map[string]finding.Severity{
		"error-disclosure /api/appointments/":           finding.Medium,
		"error-disclosure /api/invoices/":               finding.Medium,
		"error-disclosure /api/search?q=":               finding.Medium,
		"debug-mode console":                            finding.Critical,
		"debug-mode werkzeug-debugger":                  finding.High,
		"debug-mode config-endpoint":                    finding.Critical,
		"exposed-file /static/.env":                     finding.Critical,
		"exposed-file /static/config.py":                finding.Critical,
		"exposed-file /static/app.py":                   finding.Medium,
		"exposed-file /logs/app.log":                    finding.High,
		"exposed-file /.git/HEAD":                       finding.Medium,
		"flask-session-cookie weak-secret-key":          finding.Critical,
		"flask-session-cookie client-side-data:session": finding.Medium,
		"flask-session-cookie forged-session-accepted":  finding.Critical,
		"jwt-weakness weak-hmac-secret":                 finding.Critical,
		"jwt-weakness alg-none-accepted":                finding.Critical,
		"jwt-weakness pii-claims":                       finding.Medium,
		"jwt-weakness no-expiry":                        finding.Medium,
		"cors-misconfig arbitrary":                      finding.High,
		"cors-misconfig null":                           finding.High,
		"cacheable-sensitive-response ":                 finding.Medium,
		"pii-in-url email":                              finding.Medium,
		"transport cookie:session":                      finding.Medium,
	}
	for k, sev := range want {
		if s, ok := got[k]; !ok || s != sev {
			t.Errorf("%s: present %v severity %s, want %s", k, ok, s, sev)
		}
	}
	if t.Failed() {
		for k, s := range got {
			t.Logf("got %s %s", k, s)
		}
	}
	for _, r := range api.Requests() {
		if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodOptions {
			t.Errorf("sent %s %s without --allow-write", r.Method, r.Path)
		}
	}
	// No finding of any check carries a raw secret or identifier.
	b, _ := json.Marshal(rep.Findings)
	for _, raw := range []string{testapi.WeakSessionKey, testapi.WeakJWTSecret, "AKIAQ4XN7Z2MBV5KR3TW", "hT3v9Lq2Xw8Rk5Zp1Nm7Bc4Yd6Fg0Js2Ka9Ve3Uq", "412-67-3385", "Xk3fQ9pL2mZr7TbVw8Nc", `"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.`} {
		if strings.Contains(string(b), raw) {
			t.Errorf("findings contain the raw value %s", finding.Mask("secret", raw))
		}
	}
	if rep.RequestsSent > 400 {
		t.Errorf("%d requests for the demo API", rep.RequestsSent)
	}
}

func TestExposureSilentOnFixedDemoAPI(t *testing.T) {
	rep, _ := scanDemo(t, testapi.Fixed, Options{ForgeSessions: true})
	for _, f := range rep.Findings {
		if exposureChecks[f.Check] {
			t.Errorf("fixed variant: %s %s %s (%s)", f.Check, f.Severity, f.Title, f.Path)
		}
	}
}
