// Package bolaadjacent finds BOLA with a single identity: the neighbours of
// an identity's own predictable ids (id±1, ±2, u_1001 → u_1002, zero-padded
// and date-based ids) return another owner's object.
package bolaadjacent

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

// Check is the bola-adjacent-id check.
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
		ID:          "bola-adjacent-id",
		Title:       "Predictable ids: the neighbour of an own id returns another owner's object",
		Severity:    finding.High,
		CWE:         []string{"CWE-639", "CWE-862"},
		OWASP:       "API1:2023",
		Description: "An identity's own object has a predictable id (sequential number, prefixed or zero-padded number, date-based). Requesting the next or previous ids as the same identity returns objects of the same kind that belong to someone else: the fields that identify the owner hold other values. This is BOLA found with a single identity.",
		Remediation: authz.OwnershipFix,
	}
}

type probe struct {
	o    *authz.Object
	ref  authz.IDRef
	next string
}

// Run requests the neighbours of every learnt object's ids as its owner.
func (c *Check) Run(ctx context.Context, _ surface.Endpoint, env check.Env) ([]finding.Finding, error) {
	k, err := c.Learner().Learn(ctx, env)
	if err != nil {
		return nil, err
	}
	// Objects already known to belong to another identity are the bola
	// check's business; the neighbours worth asking for are the unknown ones.
	known := map[string]bool{}
	for _, o := range k.Objects {
		known[o.Path] = true
	}
	var probes []probe
	perTemplate := map[string]int{}
	for _, o := range k.Objects {
		if authz.IsAdmin(o.Owner) {
			continue // an administrator may read its neighbours by design
		}
		// The neighbours of two objects per owner and template are enough.
		if perTemplate[o.Owner.Name+" "+o.Template]++; perTemplate[o.Owner.Name+" "+o.Template] > 2 {
			continue
		}
		for _, r := range o.IDs {
			for _, n := range authz.Neighbours(r.Value) {
				if !k.IsMarkerOf(o.Owner.Name, n) && !known[authz.Replace(o.Path, r, n)] {
					probes = append(probes, probe{o, r, n})
				}
			}
		}
	}
	var mu sync.Mutex
	var out []finding.Finding
	authz.Parallel(ctx, len(probes), 4, func(i int) {
		if f, ok := c.judge(ctx, env, k, probes[i]); ok {
			mu.Lock()
			out = append(out, f)
			mu.Unlock()
		}
	})
	return out, ctx.Err()
}

func (c *Check) judge(ctx context.Context, env check.Env, k *authz.Knowledge, p probe) (finding.Finding, bool) {
	o, owner := p.o, p.o.Owner
	path := authz.Replace(o.Path, p.ref, p.next)
	resp, f := authz.Get(ctx, env, path, owner)
	if f == nil {
		return finding.Finding{}, false
	}
	got := f.Without(o.Volatile)
	if len(k.MarkersIn(owner.Name, got)) > 0 {
		return finding.Finding{}, false // the owner's own data (the id was ignored)
	}
	own := o.Stable()
	if shape, _ := authz.Similarity(own, got); shape < 0.7 {
		return finding.Finding{}, false // not an object of the same kind
	}
	// The fields that identify the owner in its own object must hold other
	// values here.
	var differing []string
	kinds := map[string]bool{}
	echo := map[string]bool{}
	for _, r := range authz.IDs(path) {
		echo[r.Value] = true // the requested id echoed back names nobody
	}
	for path, v := range own {
		if !k.IsMarkerOf(owner.Name, v) {
			continue
		}
		if w, ok := got[path]; ok && w != v && !echo[w] {
			differing = append(differing, path)
			if t := detect.KeyType(authz.Key(path)); t != "" && detect.CategoryOf(t) == detect.PII && !authz.LooksLikeSmallInt(w) {
				kinds[string(t)] = true
			}
		}
	}
	if len(differing) == 0 {
		return finding.Finding{}, false
	}
	sort.Strings(differing)
	var others []string
	for _, u := range k.Users {
		if u.Name != owner.Name && len(k.MarkersIn(u.Name, got)) > 0 {
			others = append(others, u.Name)
		}
	}
	leaked := authz.SensitiveIn(resp.Body, got)
	fd := authz.NewFinding(c.Meta(), o.Template, resp, owner)
	fd.Subject = p.ref.Name
	fd.Confidence = finding.ConfidenceMedium
	if len(others) > 0 || len(kinds) > 0 {
		fd.Confidence = finding.ConfidenceHigh
	}
	if authz.WorstLevel(leaked) >= detect.LevelPersonal {
		fd.Severity = finding.Critical
	}
	what := "data"
	if ts := authz.Types(leaked); len(ts) > 0 {
		what = strings.Join(ts, ", ")
	}
	fd.Title = fmt.Sprintf("Adjacent id %s=%s returns another owner's object (%s)", p.ref.Name, p.next, what)
	pair := authz.Pair{
		OwnerName: owner.Name + " (own id " + p.ref.Value + ")", OtherName: owner.Name + " (id " + p.next + ")",
		Owner: owner, Other: owner, OwnerURL: o.Resp.URL, OtherURL: resp.URL,
		OwnerFlat: o.Flat, OtherFlat: f, OtherBody: resp.Body, Method: "GET", Status: resp.Status,
	}
	owners := "unknown (not one of the scan's identities)"
	if len(others) > 0 {
		owners = strings.Join(others, ", ")
	}
	var markers []authz.Marker
	for _, u := range others {
		markers = append(markers, k.MarkersIn(u, got)...)
	}
	fd.Evidence = pair.Evidence(check.RequestLine("GET", resp.URL), markers, map[string]string{
		"own_id":          p.ref.Value,
		"requested_id":    p.next,
		"id_format":       authz.Shape(p.ref.Value),
		"owner_fields":    strings.Join(differing, ", "),
		"belongs_to":      owners,
		"requested_as":    owner.Name,
		"volatile_fields": fmt.Sprint(len(o.Volatile)),
	})
	// Both commands run as the same identity.
	ownCurl := transport.Curl("GET", o.Resp.URL, owner, nil, nil)
	fd.Evidence.Details["reproduce_own_object"] = ownCurl
	fd.Evidence.Details["reproduce_neighbour"] = fd.Reproduce
	delete(fd.Evidence.Details, "reproduce_as_"+owner.Name)
	return fd, true
}
