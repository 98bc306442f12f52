// Package massassign finds mass assignment (--allow-write only): an
// identity PATCHes its own object with privileged fields it should not
// control (role, is_admin, ...), and the API stores them.
package massassign

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/internal/authz"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/transport"
)

// Check is the mass-assignment check.
type Check struct{ authz.Shared }

var (
	_ check.Check    = (*Check)(nil)
	_ check.SiteWide = (*Check)(nil)
	_ check.Writer   = (*Check)(nil)
)

// Writes puts the check in the engine's write phase.
func (*Check) Writes() bool { return true }

// New returns the check sharing what learner learns.
func New(l *authz.Learner) *Check { return &Check{authz.Share(l)} }

// Meta describes the check.
func (*Check) Meta() check.Meta {
	return check.Meta{
		ID:          "mass-assignment",
		Title:       "Mass assignment: privileged fields accepted in an update",
		Severity:    finding.High,
		CWE:         []string{"CWE-915", "CWE-269"},
		OWASP:       "API3:2023",
		Description: "An update of the caller's own object binds every field of the request body, including fields the caller must not control (role, is_admin, verified, balance). A user can grant themselves privileges. Found with --allow-write; the original values are written back afterwards.",
		Remediation: "Bind only an explicit allow-list of fields from the request, per role, and ignore (or reject) the rest:\n\n```python\nEDITABLE = {\"nickname\", \"phone\", \"address\"}\n\n@app.patch(\"/api/users/<int:user_id>\")\n@login_required\ndef update_user(user_id):\n    if user_id != g.current_user[\"id\"]:\n        abort(404)\n    changes = {k: v for k, v in request.get_json(force=True).items() if k in EDITABLE}\n    if not changes:\n        abort(400)\n    users.update_item(\n        Key={\"owner_id\": user_id},\n        UpdateExpression=\"SET \" + \", \".join(f\"#{k} = :{k}\" for k in changes),\n        ExpressionAttributeNames={f\"#{k}\": k for k in changes},\n        ExpressionAttributeValues={f\":{k}\": v for k, v in changes.items()},\n    )\n    return jsonify(public_user(users.get_item(Key={\"owner_id\": user_id})[\"Item\"]))\n```\n\nNever pass `request.json` to `put_item`/`update_item` as is; a schema library (marshmallow, pydantic) with `extra=forbid` makes the allow-list explicit.",
	}
}

// privileged maps field names to the value a probe sets when the field is
// absent or its current value is not usable.
var privileged = map[string]any{
	"role": "admin", "roles": nil, "is_admin": true, "isadmin": true, "admin": true, "is_staff": true,
	"is_superuser": true, "verified": true, "is_verified": true, "email_verified": true,
	"account_type": "admin", "plan": "enterprise", "tier": "premium", "permissions": nil,
}

// Run probes one object per template of each identity's own objects.
func (c *Check) Run(ctx context.Context, _ surface.Endpoint, env check.Env) ([]finding.Finding, error) {
	if !env.AllowWrite() {
		return nil, nil
	}
	k, err := c.Learner().Learn(ctx, env)
	if err != nil {
		return nil, err
	}
	var out []finding.Finding
	done := map[string]bool{}
	for _, o := range k.Objects {
		if done[o.Template] || ctx.Err() != nil {
			continue
		}
		if f, ok := c.probe(ctx, env, o); ok {
			out = append(out, f)
			done[o.Template] = true
		}
	}
	return out, ctx.Err()
}

// payload returns the privileged fields to send and the original values of
// those that exist.
func payload(f authz.Flat) (send map[string]any, original map[string]any) {
	send, original = map[string]any{}, map[string]any{}
	for path, v := range f {
		if strings.Count(path, ".") != 1 || strings.Contains(path, "[") {
			continue
		}
		key := strings.TrimPrefix(path, "$.")
		def, ok := privileged[strings.ToLower(key)]
		if !ok || def == nil {
			continue
		}
		switch v {
		case "true", "false":
			b, _ := strconv.ParseBool(v)
			send[key], original[key] = !b, b
		default:
			if s, isStr := def.(string); isStr && s != v {
				send[key], original[key] = s, v
			}
		}
	}
	if _, ok := f["$.is_admin"]; !ok && len(send) == 0 {
		send["is_admin"] = true
	}
	return send, original
}

func (c *Check) probe(ctx context.Context, env check.Env, o *authz.Object) (finding.Finding, bool) {
	before := authz.Fresh(ctx, env, o.Path, o.Owner)
	if before == nil {
		return finding.Finding{}, false
	}
	send, original := payload(before)
	if len(send) == 0 {
		return finding.Finding{}, false
	}
	resp, body, err := authz.Patch(ctx, env, o.Path, o.Owner, send)
	if err != nil || resp == nil || resp.Status/100 != 2 {
		return finding.Finding{}, false
	}
	after := authz.Fresh(ctx, env, o.Path, o.Owner)
	var accepted []string
	for k, v := range send {
		b, _ := json.Marshal(v)
		if after["$."+k] == strings.Trim(string(b), `"`) {
			accepted = append(accepted, k)
		}
	}
	restored := true
	if len(accepted) > 0 {
		undo := map[string]any{}
		for _, k := range accepted {
			if v, ok := original[k]; ok {
				undo[k] = v
			} else if b, isBool := send[k].(bool); isBool {
				undo[k] = !b // an added flag is switched off again
			}
		}
		if len(undo) > 0 {
			restored = authz.Restore(ctx, env, o.Path, o.Owner, undo, resp)
		}
	}
	if len(accepted) == 0 {
		return finding.Finding{}, false
	}
	sort.Strings(accepted)
	m := c.Meta()
	f := authz.NewFinding(m, o.Template, resp, o.Owner)
	f.Method = http.MethodPatch
	f.Reproduce = transport.Curl(http.MethodPatch, resp.URL, o.Owner, http.Header{"Content-Type": {"application/json"}}, body)
	f.Title = fmt.Sprintf("Mass assignment: %s accepted in an update of the caller's own object", strings.Join(accepted, ", "))
	var lines []string
	for _, k := range accepted {
		lines = append(lines, fmt.Sprintf("%s: %s → %s (read back)", k, orNone(before["$."+k]), after["$."+k]))
	}
	f.Evidence = finding.NewEvidence(check.RequestLine(http.MethodPatch, resp.URL), resp.Status, strings.Join(lines, "\n"), nil)
	state := "yes"
	if !restored {
		state = "NO: restore the fields by hand"
	}
	f.Evidence.Details = map[string]string{
		"accepted_fields": strings.Join(accepted, ", "),
		"restored":        state,
		"identity":        o.Owner.Name,
	}
	return f, true
}

func orNone(v string) string {
	if v == "" {
		return "(absent)"
	}
	return v
}
