package authz

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"strings"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/surface/safety"
	"github.com/leakhound/leakhound/internal/transport"
)

// harmlessFields are fields a write probe may change and restore without
// consequence for the account.
var harmlessFields = []string{"nickname", "display_name", "displayname", "preferred_name", "bio", "about", "tagline", "status_message", "note", "notes", "description"}

// ProbeField is the attribute a write probe adds when an object has no
// harmless field to change.
const ProbeField = "leakhound_probe"

// HarmlessField returns a top-level string field of o that a write probe
// may change, and its current value.
func HarmlessField(f Flat) (field, value string, ok bool) {
	for _, h := range harmlessFields {
		for path, v := range f {
			if strings.Count(path, ".") == 1 && !strings.Contains(path, "[") && strings.EqualFold(strings.TrimPrefix(path, "$."), h) {
				return strings.TrimPrefix(path, "$."), v, true
			}
		}
	}
	return "", "", false
}

// Fresh fetches path as id bypassing the cache (after a write).
func Fresh(ctx context.Context, env check.Env, path string, id transport.Identity) Flat {
	resp, err := env.Do(ctx, transport.Request{Method: http.MethodGet, Path: path, NoCache: true}, id)
	if err != nil || resp.Status/100 != 2 {
		return nil
	}
	return Flatten(resp.Body)
}

// Patch sends a JSON merge of fields to path as id.
func Patch(ctx context.Context, env check.Env, path string, id transport.Identity, fields map[string]any) (*transport.Response, []byte, error) {
	return patch(ctx, env, transport.Request{Path: path, Purpose: "change " + fieldNames(fields)}, id, fields)
}

func patch(ctx context.Context, env check.Env, req transport.Request, id transport.Identity, fields map[string]any) (*transport.Response, []byte, error) {
	body, err := json.Marshal(fields)
	if err != nil {
		return nil, nil, err
	}
	req.Method, req.Body, req.Header = http.MethodPatch, body, http.Header{"Content-Type": {"application/json"}}
	resp, err := env.Do(ctx, req, id)
	return resp, body, err
}

func fieldNames(fields map[string]any) string {
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// Restore writes the original values back as the owner and reports whether
// the object reads as before for those fields. write is the answer of the
// write being undone: the write journal links the two and records the
// verdict of the read-back.
func Restore(ctx context.Context, env check.Env, path string, owner transport.Identity, original map[string]any, write *transport.Response) (ok bool) {
	seq := 0
	if write != nil {
		seq = write.WriteSeq
	}
	if v, isVerifier := env.(transport.RestoreVerifier); isVerifier && seq > 0 {
		defer func() { v.VerifyRestore(seq, ok) }()
	}
	if _, _, err := patch(ctx, env, transport.Request{Path: path, Purpose: "restore " + fieldNames(original), Restores: seq}, owner, original); err != nil {
		return false
	}
	now := Fresh(ctx, env, path, owner)
	for k, v := range original {
		b, _ := json.Marshal(v)
		want := strings.Trim(string(b), `"`)
		got, ok := now["$."+k]
		if v == nil && (!ok || got == "null") {
			continue // a null may be stored or dropped
		}
		if got != want {
			return false
		}
	}
	return now != nil
}

// Update is how the API description documents updating an object: the
// method (PUT, PATCH, or a POST naming an update) and, when the body is
// documented, the properties it takes.
type Update struct {
	Method string
	// Props are the documented body properties; nil when undocumented.
	Props map[string]*surface.Schema
}

// UpdateOf returns the documented update operation of an object's
// template: PATCH when documented, else PUT, else a POST classed as a
// write on the same path. Without one, PATCH (a JSON merge) is tried.
func UpdateOf(env check.Env, o *Object) Update {
	best := Update{Method: http.MethodPatch}
	rank := 0
	for _, ep := range env.Endpoints() {
		if ep.GraphQL != nil {
			continue // GraphQLWriteBOLA writes GraphQL objects
		}
		if ep.Path != o.Template && !(ep.IsTemplate() && surface.MatchTemplate(ep.Path, o.Path)) {
			continue
		}
		r := 0
		switch ep.Method {
		case http.MethodPatch:
			r = 3
		case http.MethodPut:
			r = 2
		case http.MethodPost:
			if safety.Classify(ep).Class == safety.Write && strings.Contains(strings.ToLower(ep.OperationID+" "+ep.Summary+" "+ep.Path), "update") {
				r = 1
			}
		}
		if r <= rank {
			continue
		}
		rank = r
		best = Update{Method: ep.Method}
		if ep.Body != nil && ep.Body.Schema != nil {
			best.Props = map[string]*surface.Schema{}
			declared := ep.Body.Schema.ObjectProperties()
			for k, v := range declared {
				best.Props[k] = v
			}
		}
	}
	return best
}

// Field returns a field the update may change without consequence: a
// harmless field of the object (nickname, bio, …), else a documented string
// property of the update present in the object that is neither a
// reference, a privilege field nor a credential (a title, a label).
func (u Update) Field(f Flat) (string, bool) {
	if field, _, ok := HarmlessField(f); ok && (u.Props == nil || u.Props[field] != nil) {
		return field, true
	}
	names := make([]string, 0, len(u.Props))
	for k := range u.Props {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		s := u.Props[k]
		if s != nil && len(s.Types) > 0 && !s.Is("string") || s != nil && (s.Format != "" || len(s.Enum) > 0 || s.ReadOnly) {
			continue
		}
		if _, ok := f["$."+k]; !ok {
			continue
		}
		switch surface.RoleOf(k, surface.InBody, s) {
		case "", surface.RoleText:
			return k, true
		}
		if strings.EqualFold(k, "title") || strings.EqualFold(k, "name") || strings.EqualFold(k, "label") {
			return k, true
		}
	}
	return "", false
}

// body builds the update's body: the fields alone for a PATCH or a POST,
// the object's current representation with the fields changed for a PUT
// (limited to the documented properties when they are known).
func (u Update) body(current []byte, fields map[string]any) ([]byte, error) {
	if u.Method != http.MethodPut {
		return json.Marshal(fields)
	}
	doc := map[string]any{}
	_ = json.Unmarshal(current, &doc)
	out := map[string]any{}
	for k, v := range doc {
		if u.Props == nil || u.Props[k] != nil {
			if s := u.Props[k]; s == nil || !s.ReadOnly {
				out[k] = v
			}
		}
	}
	for k, v := range fields {
		out[k] = v
	}
	return json.Marshal(out)
}

// Write sends the update of fields to path as id; current is the object's
// representation (for a PUT, which replaces it).
func (u Update) Write(ctx context.Context, env check.Env, path string, id transport.Identity, current []byte, fields map[string]any, purpose string, restores int) (*transport.Response, []byte, error) {
	body, err := u.body(current, fields)
	if err != nil {
		return nil, nil, err
	}
	req := transport.Request{Method: u.Method, Path: path, Body: body, Header: http.Header{"Content-Type": {"application/json"}}, Purpose: purpose, Restores: restores}
	resp, err := env.Do(ctx, req, id)
	return resp, body, err
}

// Restore writes the original values back as the owner with the update's
// method and reports whether the object reads as before for those fields
// (Restore, for any documented update method).
func (u Update) Restore(ctx context.Context, env check.Env, path string, owner transport.Identity, current []byte, original map[string]any, write *transport.Response) (ok bool) {
	seq := 0
	if write != nil {
		seq = write.WriteSeq
	}
	if v, isVerifier := env.(transport.RestoreVerifier); isVerifier && seq > 0 {
		defer func() { v.VerifyRestore(seq, ok) }()
	}
	if _, _, err := u.Write(ctx, env, path, owner, current, original, "restore "+fieldNames(original), seq); err != nil {
		return false
	}
	now := Fresh(ctx, env, path, owner)
	for k, v := range original {
		b, _ := json.Marshal(v)
		want := strings.Trim(string(b), `"`)
		got, ok := now["$."+k]
		if v == nil && (!ok || got == "null") {
			continue
		}
		if got != want {
			return false
		}
	}
	return now != nil
}
