package surface

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestRoleOf(t *testing.T) {
	t.Parallel()
	boolean := &Schema{Types: []string{"boolean"}}
	for _, tc := range []struct {
		name, in string
		s        *Schema
		want     Role
	}{
		{"user_id", InQuery, nil, RoleOwner},
		{"userId", InBody, nil, RoleOwner},
		{"email", InBody, nil, RoleOwner},
		{"username", InPath, nil, RoleOwner},
		{"X-Account-Id", InHeader, nil, RoleOwner},
		{"customer", InQuery, nil, RoleOwner},
		{"sub", InQuery, nil, RoleOwner},
		{"id", InBody, nil, RoleObject},
		{"order_id", InPath, nil, RoleObject},
		{"invoiceId", InQuery, nil, RoleObject},
		{"note_title", InPath, nil, RoleObject},
		{"slug", InPath, nil, RoleObject},
		{"case_ref", InQuery, nil, RoleObject},
		{"policy_no", InQuery, nil, RoleObject},
		{"book", InPath, nil, RoleObject},
		{"role", InBody, nil, RolePrivilege},
		{"authLevel", InBody, nil, RolePrivilege},
		{"is_admin", InBody, boolean, RolePrivilege},
		{"admin", InBody, boolean, RolePrivilege},
		{"permissions", InBody, nil, RolePrivilege},
		{"is_staff", InBody, boolean, RolePrivilege},
		{"scope", InQuery, nil, RolePrivilege},
		{"group_id", InQuery, nil, RoleObject},
		{"password", InBody, nil, RoleCredential},
		{"api_key", InQuery, nil, RoleCredential},
		{"X-Api-Token", InHeader, nil, RoleCredential},
		{"Authorization", InHeader, nil, RoleCredential},
		{"q", InQuery, nil, RoleText},
		{"value", InBody, &Schema{Types: []string{"string"}}, RoleText},
		{"comment", InBody, nil, RoleText},
		{"page", InQuery, nil, ""},
		{"limit", InQuery, nil, ""},
	} {
		if got := RoleOf(tc.name, tc.in, tc.s); got != tc.want {
			t.Errorf("RoleOf(%q, %s) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
}

func TestBodyParams(t *testing.T) {
	t.Parallel()
	str := &Schema{Types: []string{"string"}}
	s := &Schema{Types: []string{"object"}, Required: []string{"owner", "title"}, Properties: map[string]*Schema{
		"title": str,
		"owner": {Types: []string{"object"}, Required: []string{"email"}, Properties: map[string]*Schema{
			"email": {Types: []string{"string"}, Format: "email"},
			"note":  str,
		}},
		"items":     {Types: []string{"array"}, Items: &Schema{Types: []string{"object"}, Properties: map[string]*Schema{"sku/id": str}}},
		"created":   {Types: []string{"string"}, ReadOnly: true},
		"authLevel": {Types: []string{"string"}, Enum: []any{"0", "1"}},
	}}
	got := map[string]Param{}
	for _, p := range BodyParams(s) {
		got[p.Pointer] = p
	}
	for ptr, want := range map[string]struct {
		required bool
		role     Role
	}{
		"/title":           {true, RoleObject},
		"/owner/email":     {true, RoleOwner},
		"/owner/note":      {false, RoleText},
		"/items/0/sku~1id": {false, RoleObject},
		"/authLevel":       {false, RolePrivilege},
	} {
		p, ok := got[ptr]
		if !ok {
			t.Errorf("no body parameter at %s (have %v)", ptr, got)
			continue
		}
		if p.Required != want.required || p.Role != want.role || p.In != InBody {
			t.Errorf("%s: required %v role %q in %s, want %v %q body", ptr, p.Required, p.Role, p.In, want.required, want.role)
		}
	}
	if _, ok := got["/created"]; ok {
		t.Error("a read-only member is no request parameter")
	}
	if p := got["/authLevel"]; strings.Join(p.Enum, ",") != "0,1" {
		t.Errorf("enum = %v", p.Enum)
	}
}

func TestBuildFillsEveryLocation(t *testing.T) {
	t.Parallel()
	ep := Endpoint{Method: "POST", Path: "/orgs/{org}/notes", Body: &Body{ContentType: "application/json", Example: []byte(`{"title":"x","owner":{"email":"a@example.com"},"count":1}`), Recorded: true}}
	ep.Params = append([]Param{
		{Name: "org", In: InPath, Required: true, Values: []string{"acme"}},
		{Name: "user_id", In: InQuery, Required: true, Type: "string"},
		{Name: "X-Tenant", In: InHeader, Values: []string{"t1"}},
		{Name: "Authorization", In: InHeader, Values: []string{"Bearer leaked"}},
		{Name: "lang", In: InCookie, Values: []string{"en"}},
	}, RecordedParams(ep.Body.Example)...)
	req, ok := ep.Build(func(p Param) (string, bool) {
		switch p.Key() {
		case "query:user_id":
			return "u_1001", true
		case "body:/owner/email":
			return "bob@example.com", true
		case "body:/count":
			return "7", true
		}
		return "", false
	})
	if !ok {
		t.Fatal("not complete")
	}
	if req.Path != "/orgs/acme/notes?user_id=u_1001" {
		t.Errorf("path = %s", req.Path)
	}
	if req.Header.Get("X-Tenant") != "t1" || req.Header.Get("Authorization") != "" || req.Header.Get("Cookie") != "lang=en" {
		t.Errorf("header = %v (a credential from a spec or recording is never sent)", req.Header)
	}
	var body map[string]any
	if err := json.Unmarshal(req.Body, &body); err != nil {
		t.Fatal(err)
	}
	if body["title"] != "x" || body["owner"].(map[string]any)["email"] != "bob@example.com" || body["count"] != float64(7) {
		t.Errorf("body = %s: recorded members kept, substituted ones changed with their type", req.Body)
	}
	if req.Used["body:/owner/email"] != "bob@example.com" {
		t.Errorf("used = %v", req.Used)
	}
}

func TestBuildAddsRequiredBodyMembers(t *testing.T) {
	t.Parallel()
	schema := &Schema{Types: []string{"object"}, Required: []string{"email", "password", "age"}, Properties: map[string]*Schema{
		"email":    {Types: []string{"string"}, Format: "email"},
		"password": {Types: []string{"string"}},
		"age":      {Types: []string{"integer"}},
		"nickname": {Types: []string{"string"}},
	}}
	ep := Endpoint{Method: "POST", Path: "/register", Body: &Body{ContentType: "application/json", Required: true, Schema: schema}, Params: BodyParams(schema)}
	req, _ := ep.Build(nil)
	var body map[string]any
	if err := json.Unmarshal(req.Body, &body); err != nil {
		t.Fatal(err)
	}
	if body["email"] != "leakhound@example.com" || body["age"] != float64(1) || body["password"] == nil {
		t.Errorf("body = %s: every required member gets a schema-valid value", req.Body)
	}
	if _, ok := body["nickname"]; ok {
		t.Errorf("body = %s: optional members stay out", req.Body)
	}
	if req.ContentType != "application/json" {
		t.Errorf("content type %q", req.ContentType)
	}
}

func TestPointer(t *testing.T) {
	t.Parallel()
	doc := SetPointer(nil, "/a/0/b~1c", "x")
	if v, ok := GetPointer(doc, "/a/0/b~1c"); !ok || v != "x" {
		t.Errorf("GetPointer = %v %v on %v", v, ok, doc)
	}
	if _, ok := GetPointer(doc, "/a/1"); ok {
		t.Error("out of range index found")
	}
}

func TestAnswerValues(t *testing.T) {
	t.Parallel()
	vs := AnswerValues([]byte(`{"notes":[{"note_title":"quietNote17","owner":"alice","body":"some free text"}],"count":2}`), FromAnswer, "alice")
	got := map[string]string{}
	for _, v := range vs {
		got[v.Key] = v.Value
		if v.Identity != "alice" || v.Source != FromAnswer {
			t.Errorf("provenance lost: %+v", v)
		}
	}
	if got["note_title"] != "quietNote17" || got["owner"] != "alice" || got["count"] != "2" {
		t.Errorf("values = %v", got)
	}
	if _, ok := got["body"]; ok {
		t.Error("free text is no reference value")
	}
}

// TestSpecExampleIsAHint: a search for the documented example that found
// nothing is demoted, and the next request uses a learnt value (here none:
// the one-letter fallback of a free-text term); an owner reference takes
// the values learnt under its name.
func TestSpecExampleIsAHint(t *testing.T) {
	t.Parallel()
	schema := &Schema{Types: []string{"object"}, Required: []string{"value", "owner"}, Properties: map[string]*Schema{
		"value": {Types: []string{"string"}}, "owner": {Types: []string{"string"}},
	}}
	eps := []Endpoint{{Method: "POST", Path: "/search", Source: SourceSpec,
		Body: &Body{ContentType: "application/json", Schema: schema, Example: []byte(`{"value":"Doe","owner":"jdoe"}`)}, Params: BodyParams(schema)}}
	before, _ := eps[0].Build(nil)
	if string(before.Body) != `{"owner":"jdoe","value":"Doe"}` {
		t.Fatalf("first request %s: the example first", before.Body)
	}
	k := NewKnowledge()
	k.AddValues([]Candidate{{Value: "alice", Source: FromAnswer, Identity: "alice", Key: "owner"}})
	if !Demote(&eps[0]) {
		t.Fatal("nothing demoted")
	}
	k.Fill(eps)
	after, _ := eps[0].Build(nil)
	if string(after.Body) != `{"owner":"alice","value":"a"}` {
		t.Errorf("after the example found nothing: %s", after.Body)
	}
}
