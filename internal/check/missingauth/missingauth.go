// Package missingauth finds object and data endpoints that answer the
// anonymous identity with the same data as an authenticated one.
package missingauth

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/internal/authz"
	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/surface/safety"
	"github.com/leakhound/leakhound/internal/transport"
)

// Check is the missing-authentication check.
type Check struct{ authz.Shared }

var (
	_ check.Check    = (*Check)(nil)
	_ check.SiteWide = (*Check)(nil)
)

// New returns the check sharing what learner learns.
func New(l *authz.Learner) *Check { return &Check{authz.Share(l)} }

// Meta describes the check.
func (*Check) Meta() check.Meta {
	return check.Meta{
		ID:          "missing-authentication",
		Title:       "Personal data served without authentication",
		Severity:    finding.High,
		CWE:         []string{"CWE-306", "CWE-862"},
		OWASP:       "API2:2023",
		Description: "An endpoint answers a caller without any credentials with the same data it gives an authenticated identity, and that data is personal (an identity's markers or personal data types). Anyone on the network can read it.",
		Remediation: authz.AuthFix,
	}
}

// minSimilarity is how much of the authenticated answer the anonymous one
// must repeat.
const minSimilarity = 0.8

// Run compares every known data endpoint and learnt object as anonymous
// with the answer of each authenticated identity.
func (c *Check) Run(ctx context.Context, _ surface.Endpoint, env check.Env) ([]finding.Finding, error) {
	k, err := c.Learner().Learn(ctx, env)
	if err != nil {
		return nil, err
	}
	if len(k.Users) == 0 {
		return nil, nil
	}
	anon := check.Identity(env, transport.AnonymousName)
	if !anon.IsAnonymous() {
		return nil, nil
	}
	type target struct {
		req  transport.Request
		tmpl string
	}
	seen := map[string]bool{}
	var targets []target
	add := func(req transport.Request, tmpl string) {
		if key := authz.RequestKey(req); !seen[key] {
			seen[key] = true
			targets = append(targets, target{req, tmpl})
		}
	}
	for _, p := range authz.ConcreteGETs(env) {
		if !publicByDesign(env, p) {
			add(authz.GET(p), authz.TemplateOf(env, p))
		}
	}
	// Read-POSTs (POST /search) answer without credentials as well.
	for _, ep := range env.Endpoints() {
		// GraphQL operations: anonymous reads of the identities' own data
		// are judged by authz.GraphQLLeaks (bola's GraphQL part).
		if ep.GraphQL != nil || ep.Method != http.MethodPost || ep.PublicByDesign() || safety.Classify(ep).Class != safety.ReadPOST {
			continue
		}
		if built, ok := ep.Build(nil); ok {
			add(check.Request(built), ep.Path)
		}
	}
	volatile := map[string]map[string]bool{}
	for _, o := range k.Objects {
		add(o.Req, o.Template)
		volatile[authz.RequestKey(o.Req)] = o.Volatile
	}
	sort.Slice(targets, func(i, j int) bool { return authz.RequestKey(targets[i].req) < authz.RequestKey(targets[j].req) })
	var mu sync.Mutex
	var out []finding.Finding
	authz.Parallel(ctx, len(targets), 4, func(i int) {
		t := targets[i]
		if f, ok := c.judge(ctx, env, k, t.req, t.tmpl, anon, volatile[authz.RequestKey(t.req)]); ok {
			mu.Lock()
			out = append(out, f)
			mu.Unlock()
		}
	})
	return out, ctx.Err()
}

func (c *Check) judge(ctx context.Context, env check.Env, k *authz.Knowledge, req transport.Request, tmpl string, anon transport.Identity, volatile map[string]bool) (finding.Finding, bool) {
	aresp, af := authz.Fetch(ctx, env, req, anon)
	if af == nil || isAPIDescription(af) {
		return finding.Finding{}, false
	}
	af = af.Without(volatile)
	for _, u := range k.Users {
		uresp, uf := authz.Fetch(ctx, env, req, u)
		if uf == nil {
			continue
		}
		stable := uf.Without(volatile)
		if _, sim := authz.Similarity(stable, af); sim < minSimilarity {
			continue
		}
		var markers []authz.Marker
		owners := map[string]bool{}
		for _, v := range k.Users {
			ms := k.MarkersIn(v.Name, af)
			markers = append(markers, ms...)
			if len(ms) > 0 {
				owners[v.Name] = true
			}
		}
		leaked := authz.SensitiveIn(aresp.Body, af)
		tier := authz.WorstLevel(leaked)
		// Ids alone (the examples of an API description, a public
		// catalogue) are no personal data.
		personal := false
		for _, m := range markers {
			if m.Kind != "id" {
				personal = true
			}
		}
		if tier < detect.LevelPersonal && !personal {
			continue // the same public data for everyone
		}
		f := authz.NewFinding(c.Meta(), tmpl, aresp, anon)
		method := req.Method
		if method == "" {
			method = http.MethodGet
		}
		f.Method, f.Templated = method, true
		f.Reproduce = transport.Curl(method, aresp.URL, anon, req.Header, authz.MaskBody(req.Body))
		switch {
		case tier >= detect.LevelCritical:
			f.Severity = finding.Critical
		case tier >= detect.LevelPersonal:
			f.Severity = finding.High
		default:
			// Names and usernames that belong to the users (a staff
			// directory, author cards): an exposure, but no contact or
			// regulated data.
			f.Severity = finding.Medium
		}
		f.Confidence = finding.ConfidenceHigh
		if len(markers) == 0 {
			f.Confidence = finding.ConfidenceMedium
		}
		what := "personal data"
		if ts := authz.Types(leaked); len(ts) > 0 {
			what = strings.Join(ts, ", ")
		}
		f.Title = fmt.Sprintf("Served without authentication: %s", what)
		pair := authz.Pair{
			OwnerName: u.Name, OtherName: transport.AnonymousName, Owner: u, Other: anon,
			OwnerURL: uresp.URL, OtherURL: aresp.URL, OwnerFlat: uf, OtherFlat: af, OtherBody: aresp.Body,
			Method: method, Status: aresp.Status, Header: req.Header, Body: req.Body,
		}
		var names []string
		for n := range owners {
			names = append(names, n)
		}
		sort.Strings(names)
		f.Evidence = pair.Evidence(check.RequestLine(method, aresp.URL), markers, map[string]string{
			"compared_with":     u.Name,
			"data_of":           strings.Join(names, ", "),
			"anonymous_status":  fmt.Sprint(aresp.Status),
			"authenticated_too": fmt.Sprint(uresp.Status),
		})
		return f, true
	}
	return finding.Finding{}, false
}

// isAPIDescription reports whether a document is an OpenAPI or Swagger
// description: public by design, its examples are not anyone's data.
func isAPIDescription(f authz.Flat) bool {
	_, oas := f["$.openapi"]
	_, swagger := f["$.swagger"]
	_, paths := f["$.info.title"]
	return (oas || swagger) && paths
}

// publicByDesign reports whether the API description documents the GET
// operation that path reaches as open to anonymous callers: serving it
// without credentials is its contract, not a missing check.
func publicByDesign(env check.Env, path string) bool {
	for _, ep := range env.Endpoints() {
		if ep.Method == http.MethodGet && ep.PublicByDesign() && surface.MatchTemplate(ep.Path, path) {
			return true
		}
	}
	return false
}
