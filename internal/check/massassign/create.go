package massassign

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/internal/authz"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/surface/safety"
	"github.com/leakhound/leakhound/internal/transport"
)

// createWords name operations that create an object or an account.
var createWords = []string{"register", "signup", "sign-up", "sign_up", "create", "join", "enroll", "new"}

// createOperations returns the POST operations that create an object: a
// sign-up or creation named by its path, operationId or summary, or a
// POST to a collection (a path that does not end in a placeholder), with
// a JSON body. Login-like operations are not creations.
func createOperations(env check.Env) []surface.Endpoint {
	var out []surface.Endpoint
	for _, ep := range env.Endpoints() {
		// GraphQL mutations take their fields as arguments, not body
		// members: authz.GraphQLMassAssignment probes them.
		if ep.GraphQL != nil || ep.Method != http.MethodPost || ep.Body == nil || !ep.Body.IsJSON() || safety.Classify(ep).Class != safety.Write {
			continue
		}
		text := strings.ToLower(ep.Path + " " + ep.OperationID + " " + ep.Summary)
		if strings.Contains(text, "login") || strings.Contains(text, "signin") || strings.Contains(text, "token") || strings.Contains(text, "password") {
			continue
		}
		named := false
		for _, w := range createWords {
			if strings.Contains(text, w) {
				named = true
			}
		}
		segs := strings.Split(strings.Trim(ep.Path, "/"), "/")
		collection := len(segs) > 0 && !strings.HasPrefix(segs[len(segs)-1], "{") && ep.Documented()
		if named || collection {
			out = append(out, ep)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key() < out[j].Key() })
	return out
}

// scanName is a name for what the scan creates: the recognisable prefix
// the write contract requires, and a per-run suffix.
func scanName() string { return "leakhound-" + strconv.FormatInt(time.Now().UnixNano()%1e9, 36) }

// probeCreate creates an object with a schema-valid body plus privileged
// fields (is_admin, role, admin) and reports the fields the answer shows
// as stored.
func (c *Check) probeCreate(ctx context.Context, env check.Env, ep surface.Endpoint) (finding.Finding, bool) {
	name := scanName()
	built, ok := ep.Build(func(p surface.Param) (string, bool) {
		n := strings.ToLower(p.Name)
		switch {
		case p.Format == "email" || strings.Contains(n, "email"):
			return name + "@example.com", true
		case p.Role == surface.RoleOwner || strings.Contains(n, "name") || n == "login":
			return name, true
		case p.Role == surface.RoleCredential:
			return "Lh-" + name + "-9!", true
		}
		return "", false
	})
	if !ok {
		return finding.Finding{}, false
	}
	var doc map[string]any
	if json.Unmarshal(built.Body, &doc) != nil || doc == nil {
		return finding.Finding{}, false
	}
	send := map[string]any{"is_admin": true, "admin": true, "role": "admin"}
	for _, p := range ep.PrivilegeParams() {
		delete(send, p.Name) // documented fields are the client's to send
	}
	for k, v := range send {
		doc[k] = v
	}
	body, _ := json.Marshal(doc)
	id := identityFor(env, ep)
	resp, err := env.Do(ctx, transport.Request{Method: ep.Method, Path: built.Path, Body: body,
		Header: http.Header{"Content-Type": {"application/json"}}, Purpose: "create " + name + " with privileged fields"}, id)
	if err != nil || resp == nil || resp.Status/100 != 2 {
		return finding.Finding{}, false
	}
	got := authz.Flatten(resp.Body)
	var accepted []string
	for k, v := range send {
		b, _ := json.Marshal(v)
		if got["$."+k] == strings.Trim(string(b), `"`) {
			accepted = append(accepted, k)
		}
	}
	if len(accepted) == 0 {
		return finding.Finding{}, false
	}
	sort.Strings(accepted)
	m := c.Meta()
	f := check.New(m, ep, resp, id)
	f.Templated = true
	f.Subject = "create"
	f.Title = fmt.Sprintf("Mass assignment: %s accepted when creating an object", strings.Join(accepted, ", "))
	f.Description = "A creation (sign-up, a POST to a collection) binds every member of the request body, including fields the caller must not control: a new account can make itself an administrator. Found with --allow-write on an object the scan created (named " + name + ")."
	f.Reproduce = transport.Curl(ep.Method, resp.URL, id, http.Header{"Content-Type": {"application/json"}}, authz.MaskBody(body))
	var lines []string
	for _, k := range accepted {
		lines = append(lines, fmt.Sprintf("%s: sent %v, stored %s", k, send[k], got["$."+k]))
	}
	f.Evidence = finding.NewEvidence(check.RequestLine(ep.Method, resp.URL), resp.Status, strings.Join(lines, "\n"), nil)
	f.Evidence.Details = map[string]string{
		"accepted_fields": strings.Join(accepted, ", "),
		"created_object":  name,
		"identity":        id.Name,
	}
	return f, true
}

// identityFor sends a documented public creation (a sign-up) anonymously,
// others as the first user identity.
func identityFor(env check.Env, ep surface.Endpoint) transport.Identity {
	if ep.PublicByDesign() {
		return transport.Anonymous()
	}
	for _, id := range env.Identities() {
		if !id.IsAnonymous() && !authz.IsAdmin(id) {
			return id
		}
	}
	return transport.Anonymous()
}
