package bola

import (
	"context"
	"fmt"
	"net/http"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/internal/authz"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/transport"
)

// Write is the write half of the bola check: IDOR on writes. It reports
// under the bola id and runs in the engine's write phase.
type Write struct{ read *Check }

var (
	_ check.Check    = (*Write)(nil)
	_ check.SiteWide = (*Write)(nil)
	_ check.Writer   = (*Write)(nil)
)

// NewWrite returns the write probe sharing what learner learns.
func NewWrite(l *authz.Learner) *Write { return &Write{read: New(l)} }

// Meta is the bola check's.
func (w *Write) Meta() check.Meta { return w.read.Meta() }

// SiteWide makes the engine run the probe once per scan.
func (*Write) SiteWide() bool { return true }

// Writes puts the probe in the engine's write phase.
func (*Write) Writes() bool { return true }

// Run probes writes when --allow-write is given, and does nothing otherwise.
func (w *Write) Run(ctx context.Context, _ surface.Endpoint, env check.Env) ([]finding.Finding, error) {
	if !env.AllowWrite() {
		return nil, nil
	}
	k, err := w.read.Learner().Learn(ctx, env)
	if err != nil {
		return nil, err
	}
	return w.read.writes(ctx, env, k), ctx.Err()
}

// writes probes IDOR on writes (--allow-write only): another identity
// PATCHes a harmless field (a nickname, a bio) of the owner's object; the
// owner then reads the object back, and the original value is restored.
// One probe per object template and direction, stopping at the first
// confirmed one.
func (c *Check) writes(ctx context.Context, env check.Env, k *authz.Knowledge) []finding.Finding {
	var out []finding.Finding
	done := map[string]bool{}
	for _, o := range k.Objects {
		if done[o.Template] || ctx.Err() != nil {
			continue
		}
		field, _, ok := authz.HarmlessField(o.Flat)
		if !ok {
			// No harmless field: a new attribute of our own, which an API
			// that binds whatever it gets stores as well.
			field = authz.ProbeField
		}
		for _, as := range k.Users {
			if as.Name == o.Owner.Name || authz.IsAdmin(as) {
				continue
			}
			if f, ok := c.writeProbe(ctx, env, o, field, as); ok {
				out = append(out, f)
				done[o.Template] = true
				break
			}
		}
	}
	return out
}

func (c *Check) writeProbe(ctx context.Context, env check.Env, o *authz.Object, field string, as transport.Identity) (finding.Finding, bool) {
	before := authz.Fresh(ctx, env, o.Path, o.Owner)
	if before == nil {
		return finding.Finding{}, false
	}
	original, ok := before["$."+field]
	if !ok && field != authz.ProbeField {
		return finding.Finding{}, false
	}
	probe := "leakhound-write-probe-" + as.Name
	resp, body, err := authz.Patch(ctx, env, o.Path, as, map[string]any{field: probe})
	if err != nil || resp == nil {
		return finding.Finding{}, false
	}
	after := authz.Fresh(ctx, env, o.Path, o.Owner)
	changed := after["$."+field] == probe
	restored := true
	switch {
	case field == authz.ProbeField && changed:
		restored = authz.Restore(ctx, env, o.Path, o.Owner, map[string]any{field: nil}, resp)
	case after["$."+field] != original:
		restored = authz.Restore(ctx, env, o.Path, o.Owner, map[string]any{field: original}, resp)
	}
	if !changed {
		return finding.Finding{}, false
	}
	m := c.Meta()
	f := finding.Finding{
		Check: m.ID, Severity: finding.High, Confidence: finding.ConfidenceHigh,
		CWE: append([]string(nil), m.CWE...), OWASP: m.OWASP,
		Method: http.MethodPatch, Path: o.Template, URL: resp.URL, Identity: as.Name,
		Subject:     "write",
		Title:       fmt.Sprintf("BOLA on write: %s changes %s's object", as.Name, o.Owner.Name),
		Description: "Another identity can modify an object it does not own: a PATCH of a harmless field by the other identity changed what the owner reads back. Anyone can alter (or, with other fields, take over) any user's data.",
		Remediation: m.Remediation,
		Reproduce:   transport.Curl(http.MethodPatch, resp.URL, as, http.Header{"Content-Type": {"application/json"}}, body),
	}
	excerpt := fmt.Sprintf("%s before: %s\nPATCH as %s → %d\n%s read back by %s: %s", field, cell(original), as.Name, resp.Status, field, o.Owner.Name, probe)
	f.Evidence = finding.NewEvidence(check.RequestLine(http.MethodPatch, resp.URL), resp.Status, excerpt, nil)
	state := "yes"
	if field == authz.ProbeField {
		state = "yes: " + field + " set to null (an API that keeps nulls keeps the attribute)"
	}
	if !restored {
		state = "NO: restore the field by hand"
	}
	f.Evidence.Details = map[string]string{
		"owner": o.Owner.Name, "attacker": as.Name, "field": field, "probe_value": probe,
		"restored":                     state,
		"reproduce_as_" + as.Name:      f.Reproduce,
		"reproduce_as_" + o.Owner.Name: transport.Curl(http.MethodGet, o.Resp.URL, o.Owner, nil, nil),
	}
	return f, true
}

// cell shows a short original value, masked when long.
func cell(v string) string {
	if len(v) <= 24 {
		return v
	}
	return finding.Mask("text", v)
}
