// Package bola finds broken object level authorization: an identity reading
// the objects of another identity by requesting their ids (BOLA/IDOR).
package bola

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/internal/authz"
	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/transport"
)

// Check is the bola check.
type Check struct{ authz.Shared }

var (
	_ check.Check    = (*Check)(nil)
	_ check.SiteWide = (*Check)(nil)
)

// New returns the check; checks built with the same learner share what it
// learns about identities and their objects.
func New(l *authz.Learner) *Check { return &Check{authz.Share(l)} }

// Meta describes the check.
func (*Check) Meta() check.Meta {
	return check.Meta{
		ID:          "bola",
		Title:       "Broken object level authorization: another user's object is readable",
		Severity:    finding.High,
		CWE:         []string{"CWE-639", "CWE-862"},
		OWASP:       "API1:2023",
		Description: "An object that belongs to one identity (learnt from that identity's own answers: /me, /…/mine, its lists and links) is returned to another authenticated identity that requests it by id (or, with --allow-write, modified by it). The answer carries the owner's markers (its id, email or other values seen only in the owner's answers), so any user can read any other user's data by changing an id.",
		Remediation: authz.OwnershipFix,
	}
}

// maxPerTemplate bounds the objects of one owner tested per template.
const maxPerTemplate = 3

// Run learns every user's objects and requests each as every other user.
func (c *Check) Run(ctx context.Context, _ surface.Endpoint, env check.Env) ([]finding.Finding, error) {
	gql := c.graphQL(ctx, env)
	k, err := c.Learner().Learn(ctx, env)
	if err != nil {
		return gql, err
	}
	type job struct {
		o  *authz.Object
		as transport.Identity
	}
	var jobs []job
	perTemplate := map[string]int{}
	for _, o := range k.Objects {
		// A few objects per owner and template prove the flaw; more only
		// spend the budget.
		if perTemplate[o.Owner.Name+" "+o.Template]++; perTemplate[o.Owner.Name+" "+o.Template] > maxPerTemplate {
			continue
		}
		for _, u := range k.Users {
			// An administrator may read other users' objects by design.
			if u.Name != o.Owner.Name && !authz.IsAdmin(u) {
				jobs = append(jobs, job{o, u})
			}
		}
	}
	if len(jobs) == 0 && len(gql) == 0 {
		check.NotTested(env, c.Meta().OWASP, untested(k))
	}
	var mu sync.Mutex
	var out []finding.Finding
	out = append(out, gql...)
	authz.Parallel(ctx, len(jobs), 4, func(i int) {
		j := jobs[i]
		v := k.Judge(ctx, env, j.o, j.o.Req, j.as)
		if !v.Leak || v.Public {
			return
		}
		f := c.finding(j.o, j.as, v)
		mu.Lock()
		out = append(out, f)
		mu.Unlock()
	})
	return out, ctx.Err()
}

func (c *Check) finding(o *authz.Object, as transport.Identity, v authz.Verdict) finding.Finding {
	f := authz.NewFinding(c.Meta(), o.Template, v.Resp, as)
	method := o.Req.Method
	if method == "" {
		method = "GET"
	}
	f.Method = method
	f.Templated = true
	f.Confidence = v.Confidence
	switch tier := authz.WorstLevel(v.Leaked); {
	case tier >= detect.LevelPersonal:
		f.Severity = finding.Critical
	default:
		f.Severity = finding.High
	}
	what := "data"
	if types := authz.Types(v.Leaked); len(types) > 0 {
		what = strings.Join(types, ", ")
	}
	f.Title = fmt.Sprintf("BOLA: %s reads %s's object (%s)", as.Name, o.Owner.Name, what)
	if authz.ProfileCard(o.Stable()) {
		// A public-by-design profile card (display name, avatar) is low
		// at most, whoever reads it.
		f.Severity = finding.Low
		f.Title = fmt.Sprintf("BOLA: %s reads %s's profile card", as.Name, o.Owner.Name)
	}
	if !v.Confirmed() {
		// No negative control: the other identity's own object of this
		// template is unknown, so shared content cannot be ruled out.
		f.Severity = min(f.Severity, finding.Medium)
		f.Confidence = finding.ConfidenceLow
		f.Title = "Unconfirmed " + f.Title + " (no negative control)"
	}
	pair := authz.Pair{
		OwnerName: o.Owner.Name + " (owner)", OtherName: as.Name,
		Owner: o.Owner, Other: as, OwnerURL: o.Resp.URL, OtherURL: v.Resp.URL,
		OwnerFlat: o.Flat, OtherFlat: v.Flat, OtherBody: v.Resp.Body, Method: method, Status: v.Resp.Status,
		Header: o.Req.Header, Body: o.Req.Body,
	}
	f.Reproduce = pair.Curl()
	f.Evidence = pair.Evidence(check.RequestLine(method, v.Resp.URL), v.Markers, map[string]string{
		"owner":            o.Owner.Name,
		"attacker":         as.Name,
		"similarity":       fmt.Sprintf("%.2f", v.Similarity),
		"negative_control": v.Control,
		"volatile_fields":  fmt.Sprint(len(o.Volatile)),
	})
	return f
}

// untested says why bola had nothing to test: fewer than two identities
// that are not administrators, or no object learnt for them.
func untested(k *authz.Knowledge) string {
	var users, without []string
	for _, u := range k.Users {
		if authz.IsAdmin(u) {
			continue
		}
		users = append(users, u.Name)
		if len(k.ObjectsOf(u.Name)) == 0 {
			without = append(without, u.Name)
		}
	}
	switch {
	case len(users) < 2 && len(k.Users) < 2:
		return "bola not tested: it needs two identities (--identity NAME:user=HEADER, twice)"
	case len(without) == 0:
		return "bola not tested: no object of one identity could be requested by another"
	default:
		return fmt.Sprintf("bola not tested: no objects attributed to %s (nothing in their who-am-I answers or own lists named an object)", strings.Join(without, ", "))
	}
}
