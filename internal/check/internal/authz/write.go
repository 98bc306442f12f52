package authz

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"strings"

	"github.com/leakhound/leakhound/internal/check"
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
