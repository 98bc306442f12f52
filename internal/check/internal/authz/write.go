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
	// Path is the concrete path the update goes to: the object's own, or
	// the update operation's template filled with the object's reference
	// (POST /items/get {"id": 101} is updated by PUT /items/101).
	Path string
	// Template is the update operation's path template.
	Template string
	// Read reads the object back (its own request, bypassing the cache).
	Read transport.Request
	// Props are the documented body properties; nil when undocumented.
	Props map[string]*surface.Schema
}

// UpdateOf returns the documented update operation of an object's
// template: PATCH when documented, else PUT, else a POST classed as a
// write on the same path; for an object read through a read-POST or a
// query, the update of its collection by its reference. Without one, PATCH
// (a JSON merge) is tried on a path; Method is "" for a read-POST without
// an update.
func UpdateOf(env check.Env, o *Object) Update {
	read := o.Req
	if read.Method == "" {
		read = GET(o.Path)
	}
	read.NoCache = true
	best := Update{Method: http.MethodPatch, Path: o.Path, Template: o.Template, Read: read}
	rank := 0
	consider := func(ep surface.Endpoint, path string) {
		if ep.GraphQL != nil {
			return // GraphQLWriteBOLA writes GraphQL objects
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
			return
		}
		rank = r
		best = Update{Method: ep.Method, Path: path, Template: ep.Path, Read: read}
		if ep.Body != nil && ep.Body.Schema != nil {
			best.Props = map[string]*surface.Schema{}
			for k, v := range ep.Body.Schema.ObjectProperties() {
				best.Props[k] = v
			}
		}
	}
	readByGET := o.Req.Method == "" || o.Req.Method == http.MethodGet
	for _, ep := range env.Endpoints() {
		if readByGET && (ep.Path == o.Template || ep.IsTemplate() && surface.MatchTemplate(ep.Path, o.Path)) {
			consider(ep, o.Path)
		}
	}
	if rank > 0 || o.Req.Method == "" || o.Req.Method == http.MethodGet && !strings.Contains(o.Req.Path, "?") {
		return best
	}
	// An object read through another operation (a read-POST, a query):
	// the update of its collection by reference, /items/{item_id} for
	// POST /items/get {"id": 101}.
	readPath, _, _ := strings.Cut(o.Req.Path, "?")
	for _, ep := range env.Endpoints() {
		names := surface.PathParams(ep.Path)
		if len(names) != 1 || !strings.HasSuffix(ep.Path, "{"+names[0]+"}") {
			continue
		}
		prefix := strings.TrimSuffix(ep.Path, "{"+names[0]+"}")
		if prefix == "/" || !strings.HasPrefix(readPath, prefix) {
			continue
		}
		for _, r := range o.IDs {
			if r.In == surface.InPath {
				continue
			}
			if p, ok := ep.With(map[string]string{names[0]: r.Value}); ok {
				consider(ep, p)
				break
			}
		}
	}
	if rank == 0 && o.Req.Method == http.MethodPost {
		best.Method = "" // a read-POST has no update to guess
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
func (u Update) Write(ctx context.Context, env check.Env, id transport.Identity, current []byte, fields map[string]any, purpose string, restores int) (*transport.Response, []byte, error) {
	body, err := u.body(current, fields)
	if err != nil {
		return nil, nil, err
	}
	req := transport.Request{Method: u.Method, Path: u.Path, Body: body, Header: http.Header{"Content-Type": {"application/json"}}, Purpose: purpose, Restores: restores}
	resp, err := env.Do(ctx, req, id)
	return resp, body, err
}

// Restore writes the original values back as the owner with the update's
// method and reports whether the object reads as before for those fields
// (Restore, for any documented update method).
func (u Update) Restore(ctx context.Context, env check.Env, owner transport.Identity, current []byte, original map[string]any, write *transport.Response) (ok bool) {
	seq := 0
	if write != nil {
		seq = write.WriteSeq
	}
	if v, isVerifier := env.(transport.RestoreVerifier); isVerifier && seq > 0 {
		defer func() { v.VerifyRestore(seq, ok) }()
	}
	if _, _, err := u.Write(ctx, env, owner, current, original, "restore "+fieldNames(original), seq); err != nil {
		return false
	}
	now := u.Fresh(ctx, env, owner)
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

// Fresh reads the object back as id, bypassing the cache.
func (u Update) Fresh(ctx context.Context, env check.Env, id transport.Identity) Flat {
	_, f := u.Current(ctx, env, id)
	return f
}

// Current reads the object as id, bypassing the cache: its raw body and
// its leaves, or nil when the answer is not a 2xx.
func (u Update) Current(ctx context.Context, env check.Env, id transport.Identity) ([]byte, Flat) {
	resp, err := env.Do(ctx, u.Read, id)
	if err != nil || resp.Status/100 != 2 {
		return nil, nil
	}
	return resp.Body, Flatten(resp.Body)
}
