package authz

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/surface/safety"
	"github.com/leakhound/leakhound/internal/transport"
)

// GraphQL write probes (--allow-write only; the transport refuses every
// mutation otherwise). They change nothing they do not own: a mutation on
// another identity's object is sent with its reference only (editPaste(id:)
// and no new value), and a privilege field is set to the value its
// identity already has. Only sign-up creates something, an account named
// with the scan's prefix.

// GraphQLWrite is the outcome of one GraphQL write probe that succeeded
// where it must not.
type GraphQLWrite struct {
	Op       surface.Endpoint
	Req      transport.Request
	Resp     *transport.Response
	Attacker transport.Identity
	// Owner is the identity whose object was written (write BOLA).
	Owner string
	// Arg and Value name the argument that carried the probe.
	Arg, Value string
}

// mutations returns the GraphQL mutations the scan's mode may send
// (write class: destructive and never-send ones are left out).
func mutations(env check.Env) []surface.Endpoint {
	var out []surface.Endpoint
	for _, ep := range env.Endpoints() {
		if ep.GraphQL == nil || ep.GraphQL.Kind != surface.GraphQLMutation {
			continue
		}
		if v := safety.Classify(ep); v.Class != safety.Write {
			continue
		}
		out = append(out, ep)
	}
	return out
}

// required returns the required parameters of an operation.
func required(ep surface.Endpoint) []surface.Param {
	var out []surface.Param
	for _, p := range ep.Params {
		if p.Required {
			out = append(out, p)
		}
	}
	return out
}

// GraphQLWriteBOLA sends each mutation whose only required argument is an
// object reference (editPaste(id:)) with the ids of the other identities'
// objects, and nothing else: a mutation that answers with another
// identity's object instead of a refusal lets anyone write it.
func GraphQLWriteBOLA(ctx context.Context, env check.Env) []GraphQLWrite {
	if !env.AllowWrite() {
		return nil
	}
	subjects := GraphQLSubjects(ctx, env)
	if len(subjects) < 2 {
		return nil
	}
	owned := map[string][]string{} // identity → ids of its objects
	for _, ep := range check.GraphQLOps(env) {
		if refArgs(ep) != nil {
			continue
		}
		for _, s := range subjects {
			_, v := check.GraphQLData(ctx, env, ep, check.GraphQLRequest(ep, nil), s.Identity)
			for _, o := range GraphQLObjects(v, subjects) {
				if o.Owner == s.Identity.Name && !o.Self {
					if id := surface.Scalar(o.Fields["id"]); id != "" {
						owned[o.Owner] = append(owned[o.Owner], id)
					}
				}
			}
		}
	}
	var out []GraphQLWrite
	for _, ep := range mutations(env) {
		req := required(ep)
		if len(req) != 1 || req[0].Role != surface.RoleObject {
			continue
		}
		arg := req[0].Name
	next:
		for _, as := range subjects {
			if as.Admin {
				continue
			}
			for _, owner := range subjects {
				if owner.Identity.Name == as.Identity.Name {
					continue
				}
				for _, id := range dedupe(owned[owner.Identity.Name])[:min(2, len(dedupe(owned[owner.Identity.Name])))] {
					r := check.GraphQLRequest(ep, map[string]string{arg: id})
					r.Purpose = "no-op " + ep.Operation() + " on another identity's object (no field changed)"
					resp, v := check.GraphQLData(ctx, env, ep, r, as.Identity)
					if v == nil {
						continue
					}
					for _, o := range GraphQLObjects(v, subjects) {
						if o.Owner == owner.Identity.Name {
							out = append(out, GraphQLWrite{Op: ep, Req: r, Resp: resp, Attacker: as.Identity, Owner: owner.Identity.Name, Arg: arg, Value: id})
							break next
						}
					}
				}
			}
		}
	}
	return out
}

// GraphQLPrivilegeWrites sends each mutation that takes a user reference
// and a privilege field, and nothing else required (setUserRole(username:,
// role:)), as each non-admin identity on itself with the role it already
// has: an answer with data instead of a refusal means the administrative
// function is open to normal users. Nothing changes.
func GraphQLPrivilegeWrites(ctx context.Context, env check.Env) []GraphQLWrite {
	if !env.AllowWrite() {
		return nil
	}
	subjects := GraphQLSubjects(ctx, env)
	var out []GraphQLWrite
	for _, ep := range mutations(env) {
		var user, priv *surface.Param
		other := false
		for _, p := range required(ep) {
			p := p
			switch {
			case p.Role == surface.RolePrivilege && priv == nil:
				priv = &p
			case p.Role.IsReference() && user == nil:
				user = &p
			default:
				other = true
			}
		}
		if user == nil || priv == nil || other {
			continue
		}
		for _, s := range subjects {
			if s.Admin {
				continue
			}
			self := s.Values[user.Name]
			if self == "" {
				self = s.Values["username"]
				if strings.HasSuffix(strings.ToLower(user.Name), "id") {
					self = s.Values["id"]
				}
			}
			current := s.Values[priv.Name]
			if current == "" {
				current = s.Values["role"]
			}
			if self == "" || current == "" {
				continue
			}
			args := map[string]string{user.Name: self, priv.Name: current}
			if len(priv.Enum) > 0 {
				// An enum takes the server's spelling of the current value.
				for _, e := range priv.Enum {
					if strings.EqualFold(e, current) {
						args[priv.Name] = e
					}
				}
			}
			r := check.GraphQLRequest(ep, args)
			r.Purpose = "set " + priv.Name + " to the value " + s.Identity.Name + " already has (no change)"
			resp, v := check.GraphQLData(ctx, env, ep, r, s.Identity)
			if v == nil {
				continue
			}
			out = append(out, GraphQLWrite{Op: ep, Req: r, Resp: resp, Attacker: s.Identity, Arg: priv.Name, Value: args[priv.Name]})
			break
		}
	}
	return out
}

// ScanPrefix starts the names of accounts and objects the scan creates.
const ScanPrefix = "leakhound-"

// signUpWords name account-creating mutations.
var signUpWords = []string{"signup", "register", "createuser", "createaccount", "adduser"}

// GraphQLMassAssignment signs up once per account-creating mutation that
// takes a privilege field (signUp(role:)), with an account named with the
// scan's prefix and the privilege set to "admin": an answer naming the
// account an administrator means the server trusts the client's value.
func GraphQLMassAssignment(ctx context.Context, env check.Env) []GraphQLWrite {
	if !env.AllowWrite() {
		return nil
	}
	var out []GraphQLWrite
	for _, ep := range mutations(env) {
		name := strings.ToLower(ep.GraphQL.Field)
		signUp := false
		for _, w := range signUpWords {
			if strings.Contains(strings.ReplaceAll(name, "_", ""), w) {
				signUp = true
			}
		}
		if !signUp {
			continue
		}
		var priv string
		for _, p := range ep.Params {
			if p.Role == surface.RolePrivilege && p.Type == "string" {
				priv = p.Name
			}
		}
		if priv == "" {
			// Optional arguments are not declared: declare the privilege.
			continue
		}
		b := make([]byte, 4)
		_, _ = rand.Read(b)
		user := ScanPrefix + hex.EncodeToString(b)
		args := map[string]string{priv: "admin"}
		for _, p := range ep.Params {
			l := strings.ToLower(p.Name)
			switch {
			case strings.Contains(l, "email"):
				args[p.Name] = user + "@example.com"
			case strings.Contains(l, "user") || strings.Contains(l, "name") || strings.Contains(l, "login"):
				args[p.Name] = user
			case p.Role == surface.RoleCredential:
				args[p.Name] = "Lh-" + hex.EncodeToString(b) + "-pw9!"
			}
		}
		r := check.GraphQLRequest(ep, args)
		r.Purpose = "sign up " + user + " with " + priv + "=admin (mass assignment)"
		resp, v := check.GraphQLData(ctx, env, ep, r, transport.Anonymous())
		if v == nil {
			continue
		}
		// The account is the scan's own: logging in as it shows the
		// session the API issues (its token's claims are read passively).
		logIn(ctx, env, user, args)
		if hasValue(v, "admin", 5) {
			out = append(out, GraphQLWrite{Op: ep, Req: r, Resp: resp, Attacker: transport.Anonymous(), Arg: priv, Value: "admin"})
		}
	}
	return out
}

// hasValue reports whether a GraphQL value holds want (case-insensitive)
// under a privilege-like key.
func hasValue(v any, want string, depth int) bool {
	if depth < 0 {
		return false
	}
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			if s, ok := x.(string); ok && strings.EqualFold(s, want) && surface.RoleOf(k, surface.InBody, nil) == surface.RolePrivilege {
				return true
			}
			if b, ok := x.(bool); ok && b && strings.Contains(strings.ToLower(k), "admin") {
				return true
			}
			if hasValue(x, want, depth-1) {
				return true
			}
		}
	case []any:
		for _, x := range t {
			if hasValue(x, want, depth-1) {
				return true
			}
		}
	}
	return false
}

// GraphQLWriteFinding makes the finding of a GraphQL write probe: on the
// mutation, with its request body (credentials redacted, personal data
// masked) and the write's purpose.
func GraphQLWriteFinding(m check.Meta, w GraphQLWrite, title string) finding.Finding {
	f := check.New(m, w.Op, w.Resp, w.Attacker)
	f.Method = http.MethodPost
	f.Templated = true
	f.Title = title
	body := detect.MaskText(string(surface.RedactGraphQLBody(w.Req.Body)))
	f.GraphQLBody = body
	f.Reproduce = transport.Curl(http.MethodPost, w.Resp.URL, w.Attacker, http.Header{"Content-Type": {"application/json"}}, []byte(body))
	f.Evidence = finding.NewEvidence(check.RequestLine(http.MethodPost, w.Resp.URL)+" "+body, w.Resp.Status, "", nil)
	f.Evidence.Details = map[string]string{"operation": w.Op.Operation(), "argument": w.Arg, "as": w.Attacker.Name, "purpose": w.Req.Purpose}
	if w.Owner != "" {
		f.Evidence.Details["owner"] = w.Owner
	}
	return f
}

// logIn logs in once as an account the scan created, through the login
// mutation (an account argument and a password, nothing else required),
// with the values it signed up with.
func logIn(ctx context.Context, env check.Env, user string, signUp map[string]string) {
	var password string
	for k, v := range signUp {
		if surface.RoleOf(k, surface.InBody, nil) == surface.RoleCredential {
			password = v
		}
	}
	if password == "" {
		return
	}
	for _, ep := range mutations(env) {
		n := strings.ToLower(ep.GraphQL.Field)
		if !strings.Contains(n, "login") && !strings.Contains(n, "signin") && !strings.Contains(n, "authenticate") {
			continue
		}
		args := map[string]string{}
		ok := true
		for _, p := range required(ep) {
			l := strings.ToLower(p.Name)
			switch {
			case p.Role == surface.RoleCredential:
				args[p.Name] = password
			case strings.Contains(l, "email"):
				args[p.Name] = user + "@example.com"
			case strings.Contains(l, "user") || strings.Contains(l, "name") || strings.Contains(l, "login"):
				args[p.Name] = user
			default:
				ok = false
			}
		}
		if !ok {
			continue
		}
		r := check.GraphQLRequest(ep, args)
		r.Purpose = "log in as " + user + ", the account this scan signed up"
		_, _ = env.Do(ctx, r, transport.Anonymous())
		return
	}
}
