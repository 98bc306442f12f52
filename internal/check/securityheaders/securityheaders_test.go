package securityheaders_test

import (
	"net/http"
	"testing"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/securityheaders"
	"github.com/leakhound/leakhound/internal/testapi"
	"github.com/leakhound/leakhound/internal/testapi/scantest"
	"github.com/leakhound/leakhound/internal/transport"
)

func TestSecurityHeadersOnTheTestAPI(t *testing.T) {
	opts := scantest.Options{Passive: []check.Passive{securityheaders.New()}}
	rep, _ := scantest.Run(t, testapi.Vulnerable, opts)
	subjects := map[string]bool{}
	for _, f := range scantest.Find(rep, "security-headers") {
		subjects[f.Subject] = true
	}
	if !subjects["X-Content-Type-Options"] || !subjects["Content-Security-Policy"] {
		t.Fatalf("want missing nosniff and CSP reported, got %v", subjects)
	}
	if subjects["Strict-Transport-Security"] {
		t.Fatal("HSTS reported on plain http")
	}

	rep, _ = scantest.Run(t, testapi.Fixed, opts)
	if fs := scantest.Find(rep, "security-headers"); len(fs) != 0 {
		t.Fatalf("fixed API: want no finding, got %+v", fs)
	}
}

func TestRules(t *testing.T) {
	c := securityheaders.New()
	for _, tc := range []struct {
		name    string
		url, ct string
		header  http.Header
		want    []string
	}{
		{"json without nosniff", "http://h/a", "application/json", nil, []string{"X-Content-Type-Options"}},
		{"html without csp", "http://h/a", "text/html", http.Header{"X-Content-Type-Options": {"nosniff"}}, []string{"Content-Security-Policy"}},
		{"https without hsts", "https://h/a", "application/json", http.Header{"X-Content-Type-Options": {"nosniff"}}, []string{"Strict-Transport-Security"}},
		{"https with hsts max-age=0", "https://h/a", "application/json", http.Header{"X-Content-Type-Options": {"nosniff"}, "Strict-Transport-Security": {"max-age=0"}}, []string{"Strict-Transport-Security"}},
		{"all set", "https://h/a", "text/html", http.Header{"X-Content-Type-Options": {"nosniff"}, "Content-Security-Policy": {"default-src 'none'"}, "Strict-Transport-Security": {"max-age=31536000"}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := tc.header.Clone()
			if h == nil {
				h = http.Header{}
			}
			h.Set("Content-Type", tc.ct)
			ex := &transport.Exchange{Method: "GET", URL: tc.url, Template: "/a", Status: 200, Header: h, Body: []byte("x")}
			var got []string
			for _, f := range c.Inspect(ex, nil) {
				got = append(got, f.Subject)
			}
			if len(got) != len(tc.want) || (len(got) > 0 && got[0] != tc.want[0]) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}
