package jwtweakness

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/login"
	"github.com/leakhound/leakhound/internal/scan"
	"github.com/leakhound/leakhound/internal/testapi"
	"github.com/leakhound/leakhound/internal/transport"
	"github.com/leakhound/leakhound/internal/weakkey"
)

// tokensScan scans the token API of variant v with one identity per case:
// carol logs in (login flow), dave sends JWT_TOKEN (literal-case header),
// erin's token is refused everywhere (a dead identity whose token carries
// personal claims), frank is authenticated by a session cookie and carries
// a JWT nothing reads.
func tokensScan(t *testing.T, v testapi.Variant) *finding.Report {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	base, stop, err := testapi.ServeLiteral(ctx, testapi.Tokens(v))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	u, _ := url.Parse(base)
	now := time.Now().Unix()
	carol := transport.Identity{Name: "carol", Login: &login.Flow{
		Method: http.MethodPost, Path: "/auth/login", Header: http.Header{"Content-Type": {"application/json"}},
		Body:      []byte(`{"username":"` + testapi.TokensLoginUser + `","password":"` + testapi.TokensLoginPassword + `"}`),
		TokenJSON: "access_token",
	}}
	dave, err := transport.ParseIdentity("dave=JWT_TOKEN: " + testapi.TokensToken(testapi.TokensEnvKey, map[string]any{"sub": "dave", "iat": now, "exp": now + 900}))
	if err != nil {
		t.Fatal(err)
	}
	erin := transport.Identity{Name: "erin", Header: http.Header{"Authorization": {"Bearer " + testapi.TokensToken("erin-key-from-another-deployment-7Hq",
		map[string]any{"sub": "erin", "email": "erin.walsh@fastmail.com", "phone": "+1 415-555-0199", "address": "12 Harbor Lane, Portland, ME 04101", "iat": now, "exp": now + 900})}}}
	frank := transport.Identity{Name: "frank", Header: http.Header{
		"Cookie":        {testapi.TokensSession},
		"Authorization": {"Bearer " + testapi.TokensToken("frank-key-nobody-checks-9Zt", map[string]any{"sub": "frank", "iat": now, "exp": now + 900})},
	}}
	c := New(Options{Harvest: weakkey.NewHarvest()})
	rep, err := scan.Run(ctx, scan.Options{
		Client:     transport.Config{Target: u, Concurrency: 4, Timeout: 5 * time.Second, MaxRequests: 2000, UserAgent: "leakhound/test"},
		Identities: []transport.Identity{carol, dave, erin, frank},
		Checks:     []check.Check{c},
		Passive:    []check.Passive{c},
		Tool:       finding.Tool{Name: "leakhound", Version: "test"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// findings indexes a report's findings by subject.
func findings(rep *finding.Report) map[string][]finding.Finding {
	out := map[string][]finding.Finding{}
	for _, f := range rep.Findings {
		out[f.Subject] = append(out[f.Subject], f)
	}
	return out
}

func TestTokensAPI(t *testing.T) {
	for _, v := range []testapi.Variant{testapi.Vulnerable, testapi.Fixed} {
		t.Run(v.String(), func(t *testing.T) {
			rep := tokensScan(t, v)
			got := findings(rep)
			vulnerable := v == testapi.Vulnerable

			// Literal-case header: dave is authenticated, erin alone is dead.
			errs := strings.Join(rep.Errors, "\n")
			if strings.Contains(errs, "dave") || strings.Contains(errs, "carol") || strings.Contains(errs, "frank") {
				t.Errorf("a working identity was judged dead:\n%s", errs)
			}
			if !strings.Contains(errs, "erin") {
				t.Errorf("erin's token is refused everywhere, yet she was not left out:\n%s", errs)
			}

			// Login flow with a weak key.
			weak := got["weak-hmac-secret"]
			if vulnerable != (len(weak) == 1) {
				t.Errorf("weak-hmac-secret: %d findings, want one in the vulnerable variant only", len(weak))
			}
			if len(weak) > 0 && (weak[0].Identity != "carol" || !strings.HasPrefix(weak[0].Evidence.Details["source"], "login flow of carol")) {
				t.Errorf("weak login token reported as %s from %q", weak[0].Identity, weak[0].Evidence.Details["source"])
			}

			// Environment dump whose secret signs dave's tokens: one chained finding.
			exposed := got["exposed-signing-key"]
			if vulnerable != (len(exposed) == 1) {
				t.Errorf("exposed-signing-key: %d findings, want one in the vulnerable variant only", len(exposed))
			}
			if len(exposed) > 0 {
				f := exposed[0]
				if f.Method != http.MethodGet || f.Path != "/api/debug/env" || f.Severity != finding.Critical ||
					!strings.Contains(f.Evidence.Details["forges"], "identity dave (JWT_TOKEN header)") ||
					!strings.Contains(f.Title, "(JWT_SECRET)") {
					t.Errorf("chained finding: %s %s %s %q %v", f.Method, f.Path, f.Severity, f.Title, f.Evidence.Details)
				}
				if strings.Contains(f.Evidence.Excerpt, testapi.TokensEnvKey) || strings.Contains(f.Title+f.Description, testapi.TokensEnvKey) {
					t.Errorf("the harvested key is printed: %q", f.Evidence.Excerpt)
				}
			}

			// Dead identity: its claims are still read, whatever the variant.
			pii := got["pii-claims"]
			if len(pii) != 1 || pii[0].Identity != "erin" {
				t.Errorf("pii-claims = %+v, want erin's dead token", pii)
			}

			// Issued vs echoed: /api/token issues an unsigned token in the
			// vulnerable variant; /api/echo only returns what it was sent.
			unsigned := got["unsigned-token"]
			if vulnerable != (len(unsigned) == 1) {
				t.Errorf("unsigned-token: %d findings, want one in the vulnerable variant only", len(unsigned))
			}
			if len(unsigned) > 0 && unsigned[0].Path != "/api/token" {
				t.Errorf("unsigned token reported at %s %s, not where it was issued", unsigned[0].Method, unsigned[0].Path)
			}
			for _, f := range rep.Findings {
				if f.Path == "/api/echo" {
					t.Errorf("echoed token reported as issued: %s %s", f.Subject, f.Title)
				}
			}

			// Cookie session with an unused JWT: the API ignores the token,
			// so alg none "works" without proving anything.
			if fs := got["alg-none-accepted"]; len(fs) != 0 {
				t.Errorf("alg none reported though the token is unused: %s", fs[0].Description)
			}
		})
	}
}
