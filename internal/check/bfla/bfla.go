// Package bfla finds broken function level authorization: administrative
// or internal functions that answer a normal identity or the anonymous one.
package bfla

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
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

// Check is the bfla check.
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
		ID:          "bfla",
		Title:       "Administrative function available to a non-admin identity",
		Severity:    finding.High,
		CWE:         []string{"CWE-285"},
		OWASP:       "API5:2023",
		Description: "An administrative or internal function (named so in its path or tags, or answered for an admin identity) answers a normal identity or an anonymous caller with data, as it does for an administrator.",
		Remediation: authz.RoleFix,
	}
}

// strongAdminWords name only administrative functions; the other admin
// words (staff, ops) also name public directories (a staff list published
// on the company site).
var strongAdminWords = regexp.MustCompile(`(?i)^(admin|administrator|admins|internal|manage|management|backoffice|back-office|superuser|sudo|moderation|impersonate|export|exports)$`)

// isStrongAdmin reports whether an endpoint is administrative by a word
// that names nothing else.
func isStrongAdmin(ep surface.Endpoint) bool {
	for _, t := range ep.Tags {
		if strongAdminWords.MatchString(t) {
			return true
		}
	}
	for _, s := range strings.Split(strings.Split(ep.Path, "?")[0], "/") {
		if strongAdminWords.MatchString(s) || strings.HasPrefix(strings.ToLower(s), "admin") {
			return true
		}
	}
	return false
}

var adminWords = regexp.MustCompile(`(?i)^(admin|administrator|admins|internal|manage|management|backoffice|back-office|staff|superuser|sudo|moderation|impersonate|export|exports|ops)$`)

// IsAdminFunction reports whether an endpoint looks administrative by its
// path segments or tags.
func IsAdminFunction(ep surface.Endpoint) bool {
	for _, t := range ep.Tags {
		if adminWords.MatchString(t) {
			return true
		}
	}
	u, err := url.Parse(ep.Path)
	if err != nil {
		return false
	}
	for _, s := range strings.Split(u.Path, "/") {
		if adminWords.MatchString(s) || strings.HasPrefix(strings.ToLower(s), "admin") {
			return true
		}
	}
	return false
}

// Run requests every administrative function as every non-admin identity.
func (c *Check) Run(ctx context.Context, _ surface.Endpoint, env check.Env) ([]finding.Finding, error) {
	var gql []finding.Finding
	for _, g := range authz.GraphQLPrivilegeWrites(ctx, env) {
		f := authz.GraphQLWriteFinding(c.Meta(), g, fmt.Sprintf("Administrative mutation %s answers a normal user (%s sets its own %s)", g.Op.GraphQL.Field, g.Attacker.Name, g.Arg))
		f.Severity = finding.High
		gql = append(gql, f)
	}
	k, err := c.Learner().Learn(ctx, env)
	if err != nil {
		return gql, err
	}
	var admins, others []transport.Identity
	for _, id := range env.Identities() {
		if authz.IsAdmin(id) {
			admins = append(admins, id)
		} else {
			others = append(others, id)
		}
	}
	// Administrative functions that read, whatever their method: GETs and
	// read-POSTs (POST /admin/users/search).
	seen := map[string]bool{}
	type target struct {
		req    transport.Request
		tmpl   string
		strong bool
	}
	var targets []target
	for _, ep := range env.Endpoints() {
		if !IsAdminFunction(ep) {
			continue
		}
		if v := safety.Classify(ep).Class; v != safety.Read && v != safety.ReadPOST {
			continue
		}
		strong := isStrongAdmin(ep)
		if !strong && ep.PublicByDesign() {
			continue // a staff directory the API description documents as public
		}
		built, ok := ep.Build(nil)
		if !ok {
			continue
		}
		req := check.Request(built)
		tmpl := ep.Path
		if ep.Method == http.MethodGet && !ep.Documented() {
			tmpl = authz.TemplateOf(env, req.Path)
		}
		if key := authz.RequestKey(req); !seen[key] {
			seen[key] = true
			targets = append(targets, target{req, tmpl, strong})
		}
	}
	sort.Slice(targets, func(i, j int) bool { return authz.RequestKey(targets[i].req) < authz.RequestKey(targets[j].req) })
	var mu sync.Mutex
	out := gql
	authz.Parallel(ctx, len(targets), 4, func(i int) {
		fs := c.judge(ctx, env, k, targets[i].req, targets[i].tmpl, targets[i].strong, admins, others)
		mu.Lock()
		out = append(out, fs...)
		mu.Unlock()
	})
	// Privilege fields sent by the client, on any method.
	type job struct {
		ep surface.Endpoint
		id transport.Identity
	}
	var jobs []job
	for _, ep := range privilegeOperations(env) {
		for _, id := range others {
			if !id.IsAnonymous() {
				jobs = append(jobs, job{ep, id})
			}
		}
	}
	authz.Parallel(ctx, len(jobs), 4, func(i int) {
		if f, ok := c.judgePrivilege(ctx, env, k, jobs[i].ep, jobs[i].id); ok {
			mu.Lock()
			out = append(out, f)
			mu.Unlock()
		}
	})
	return out, ctx.Err()
}

func (c *Check) judge(ctx context.Context, env check.Env, k *authz.Knowledge, req transport.Request, tmpl string, strong bool, admins, others []transport.Identity) []finding.Finding {
	var ref transport.Identity
	var refResp *transport.Response
	var refFlat authz.Flat
	for _, a := range admins {
		if resp, f := authz.Fetch(ctx, env, req, a); f != nil {
			ref, refResp, refFlat = a, resp, f
			break
		}
	}
	if len(admins) > 0 && refFlat == nil {
		return nil // not even an administrator gets data here
	}
	// A function named only by a weak word (staff, ops) is administrative
	// only by comparison with an administrator's answer: without one, a
	// public staff directory looks the same.
	if !strong && refFlat == nil {
		return nil
	}
	// A function named only by a weak word (a staff directory) that the
	// anonymous identity gets as the administrator does is public.
	if !strong && refFlat != nil {
		if _, af := authz.Fetch(ctx, env, req, transport.Anonymous()); af != nil {
			if _, sim := authz.Similarity(refFlat, af); sim >= 0.95 {
				return nil
			}
		}
	}
	var out []finding.Finding
	for _, id := range others {
		resp, f := authz.Fetch(ctx, env, req, id)
		if f == nil {
			continue
		}
		conf := finding.ConfidenceMedium
		sim := 0.0
		if refFlat != nil {
			if _, sim = authz.Similarity(refFlat, f); sim < 0.6 {
				continue // a different, per-caller answer
			}
			conf = finding.ConfidenceHigh
		}
		leaked := authz.SensitiveIn(resp.Body, f)
		var foreign []authz.Marker
		for _, u := range k.Users {
			if u.Name != id.Name {
				foreign = append(foreign, k.MarkersIn(u.Name, f)...)
			}
		}
		tier := authz.WorstLevel(leaked)
		if len(foreign) > 0 || tier >= detect.LevelPersonal {
			conf = finding.ConfidenceHigh
		}
		f0 := authz.NewFinding(c.Meta(), tmpl, resp, id)
		f0.Method, f0.Templated = req.Method, true
		f0.Reproduce = transport.Curl(req.Method, resp.URL, id, req.Header, authz.MaskBody(req.Body))
		f0.Confidence = conf
		switch {
		case tier >= detect.LevelCritical:
			f0.Severity = finding.Critical
		case tier >= detect.LevelPersonal || len(foreign) > 0 || refFlat != nil:
			f0.Severity = finding.High
		default:
			f0.Severity = finding.Medium
		}
		who := "a normal user"
		if id.IsAnonymous() {
			who = "an anonymous caller"
		}
		f0.Title = fmt.Sprintf("Administrative function answers %s", who)
		details := map[string]string{"role": roleName(id)}
		if refFlat != nil {
			details["similarity_to_admin"] = fmt.Sprintf("%.2f", sim)
		}
		if refFlat != nil {
			pair := authz.Pair{OwnerName: ref.Name + " (admin)", OtherName: id.Name, Owner: ref, Other: id,
				OwnerURL: refResp.URL, OtherURL: resp.URL, OwnerFlat: refFlat, OtherFlat: f, OtherBody: resp.Body, Method: req.Method, Status: resp.Status,
				Header: req.Header, Body: req.Body}
			f0.Evidence = pair.Evidence(check.RequestLine(req.Method, resp.URL), foreign, details)
		} else {
			pair := authz.Pair{OtherName: id.Name, Other: id, OtherFlat: f, OtherBody: resp.Body}
			side, values := pair.Side(foreign, 12)
			f0.Evidence = finding.NewEvidence(check.RequestLine(req.Method, resp.URL), resp.Status, side, values)
			if len(foreign) > 0 {
				details["other_identities_data"] = authz.DescribeMarkers(foreign, 6)
			}
			f0.Evidence.Details = details
		}
		out = append(out, f0)
	}
	return out
}

func roleName(id transport.Identity) string {
	if id.IsAnonymous() {
		return "anonymous"
	}
	if id.Role == "" {
		return "unspecified (not admin)"
	}
	return id.Role
}
