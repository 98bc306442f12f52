package bfla

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/internal/authz"
	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/surface/safety"
	"github.com/leakhound/leakhound/internal/transport"
)

// maxPrivilegeValues bounds the privileged values tried per field.
const maxPrivilegeValues = 3

// privilegedValues returns the values of a privilege field that would
// grant rights if the server trusted the client: the documented values
// other than the default, else true for a boolean, else admin, 0 (the
// highest level in many schemes: authLevel 0) and superuser.
func privilegedValues(p surface.Param, current string) []string {
	var out []string
	add := func(v string) {
		if v != current && !slices.Contains(out, v) && len(out) < maxPrivilegeValues {
			out = append(out, v)
		}
	}
	switch {
	case p.Type == "boolean":
		add("true")
	case len(p.Enum) > 0:
		for _, v := range p.Enum {
			add(v)
		}
	case p.Type == "integer" || p.Type == "number":
		add("0")
		add("99")
	default:
		add("admin")
		add("0")
		add("superuser")
	}
	return out
}

// privilegeOperations returns the operations that take a privilege field
// from the client and may be sent: reads and read-POSTs, in every mode.
// Writes are left out: a privileged write that succeeds changes state the
// probe could not restore.
func privilegeOperations(env check.Env) []surface.Endpoint {
	var out []surface.Endpoint
	for _, ep := range env.Endpoints() {
		if len(ep.PrivilegeParams()) == 0 {
			continue
		}
		switch safety.Classify(ep).Class {
		case safety.Read, safety.ReadPOST:
		default:
			continue
		}
		out = append(out, ep)
	}
	return out
}

// judgePrivilege sends an operation as a normal identity with its
// privilege fields at their default value, then at each privileged value:
// an answer refused (401, 403) or without data by default that succeeds
// with the privileged value, or that then carries other identities' data,
// means the server trusts the role the client sends.
func (c *Check) judgePrivilege(ctx context.Context, env check.Env, k *authz.Knowledge, ep surface.Endpoint, id transport.Identity) (finding.Finding, bool) {
	base, ok := ep.Build(nil)
	if !ok {
		return finding.Finding{}, false
	}
	baseResp, baseFlat := authz.Fetch(ctx, env, check.Request(base), id)
	if baseResp == nil {
		return finding.Finding{}, false
	}
	for _, p := range ep.PrivilegeParams() {
		for _, v := range privilegedValues(p, base.Used[p.Key()]) {
			built, ok := ep.Build(func(q surface.Param) (string, bool) {
				if q.Key() == p.Key() {
					return v, true
				}
				return "", false
			})
			if !ok {
				continue
			}
			req := check.Request(built)
			resp, f := authz.Fetch(ctx, env, req, id)
			if resp == nil || resp.Status/100 != 2 {
				continue
			}
			refused := baseResp.Status == http.StatusUnauthorized || baseResp.Status == http.StatusForbidden
			var foreign []authz.Marker
			for _, u := range k.Users {
				if u.Name != id.Name {
					foreign = append(foreign, k.MarkersIn(u.Name, f)...)
				}
			}
			grew := baseFlat != nil && f != nil && len(foreign) > 0 && len(f) > len(baseFlat)
			if !(refused && f != nil) && !grew {
				continue
			}
			return c.privilegeFinding(ep, id, p, v, baseResp, resp, f, foreign, req), true
		}
	}
	return finding.Finding{}, false
}

func (c *Check) privilegeFinding(ep surface.Endpoint, id transport.Identity, p surface.Param, v string, baseResp, resp *transport.Response, f authz.Flat, foreign []authz.Marker, req transport.Request) finding.Finding {
	fd := check.New(c.Meta(), ep, resp, id)
	fd.Templated = true
	fd.Subject = "privilege field " + p.Name
	where := p.In + " parameter " + p.Name
	if p.Pointer != "" {
		where = "body member " + p.Pointer
	}
	fd.Title = fmt.Sprintf("Privilege taken from the client: %s=%s grants %s administrative access", p.Name, v, roleName(id))
	fd.Description = "The operation decides the caller's rights from a field the client sends (" + where + "): a normal identity that sets it to a privileged value is served as an administrator. " + fd.Description
	fd.Severity = finding.High
	leaked := authz.SensitiveIn(resp.Body, f)
	if authz.WorstLevel(leaked) >= detect.LevelCritical {
		fd.Severity = finding.Critical
	}
	fd.Reproduce = transport.Curl(req.Method, resp.URL, id, req.Header, authz.MaskBody(req.Body))
	pair := authz.Pair{OtherName: id.Name, Other: id, OtherFlat: f, OtherBody: resp.Body}
	side, values := pair.Side(foreign, 12)
	fd.Evidence = finding.NewEvidence(check.RequestLine(req.Method, resp.URL), resp.Status, side, values)
	fd.Evidence.Details = map[string]string{
		"role":              roleName(id),
		"privilege_field":   where,
		"privileged_value":  v,
		"default_status":    fmt.Sprint(baseResp.Status),
		"privileged_status": fmt.Sprint(resp.Status),
	}
	if len(foreign) > 0 {
		fd.Evidence.Details["other_identities_data"] = authz.DescribeMarkers(foreign, 6)
	}
	fd.Remediation = "Take the caller's role from the server-side session or the verified token, never from the request: drop `" + p.Name + "` from the accepted input (an allow-list schema) and check the role where the operation starts.\n\n" + strings.TrimSpace(fd.Remediation)
	return fd
}
