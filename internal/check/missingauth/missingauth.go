// Package missingauth finds object and data endpoints that answer the
// anonymous identity with the same data as an authenticated one.
package missingauth

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/internal/authz"
	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/surface"
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
	seen := map[string]bool{}
	var paths []string
	for _, p := range authz.ConcreteGETs(env) {
		if !seen[p] {
			seen[p] = true
			paths = append(paths, p)
		}
	}
	volatile := map[string]map[string]bool{}
	for _, o := range k.Objects {
		if !seen[o.Path] {
			seen[o.Path] = true
			paths = append(paths, o.Path)
		}
		volatile[o.Path] = o.Volatile
	}
	sort.Strings(paths)
	var mu sync.Mutex
	var out []finding.Finding
	authz.Parallel(ctx, len(paths), 4, func(i int) {
		if f, ok := c.judge(ctx, env, k, paths[i], anon, volatile[paths[i]]); ok {
			mu.Lock()
			out = append(out, f)
			mu.Unlock()
		}
	})
	return out, ctx.Err()
}

func (c *Check) judge(ctx context.Context, env check.Env, k *authz.Knowledge, path string, anon transport.Identity, volatile map[string]bool) (finding.Finding, bool) {
	aresp, af := authz.Get(ctx, env, path, anon)
	if af == nil || isAPIDescription(af) {
		return finding.Finding{}, false
	}
	af = af.Without(volatile)
	for _, u := range k.Users {
		uresp, uf := authz.Get(ctx, env, path, u)
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
		f := authz.NewFinding(c.Meta(), authz.TemplateOf(env, path), aresp, anon)
		switch {
		case tier >= detect.LevelCritical:
			f.Severity = finding.Critical
		case tier >= detect.LevelPersonal || len(markers) > 0:
			f.Severity = finding.High
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
			Method: "GET", Status: aresp.Status,
		}
		var names []string
		for n := range owners {
			names = append(names, n)
		}
		sort.Strings(names)
		f.Evidence = pair.Evidence(check.RequestLine("GET", aresp.URL), markers, map[string]string{
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
