package piiexposure_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/check/piiexposure"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/transport"
)

func exchange(identity, body string) *transport.Exchange {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	return &transport.Exchange{Method: "GET", URL: "http://127.0.0.1/api/users", Template: "/api/users", Identity: identity, Status: 200, Header: h, Body: []byte(body)}
}

const leaky = `{"users":[
 {"id":1,"name":"Alice Moreau","email":"alice.moreau@proton.me","ssn":"412-67-3385","phone":"+1 415-555-2671"},
 {"id":2,"name":"Bob Okafor","email":"bob.okafor@fastmail.com","ssn":"309-52-7741","phone":"+1 212-555-2187"}]}`

const fixed = `{"users":[{"id":1,"username":"alice","display_name":"Alice M."},{"id":2,"username":"bob","display_name":"Bob O."}]}`

func TestFiresOnLeakyResponse(t *testing.T) {
	fs := piiexposure.New().Inspect(exchange("alice", leaky), nil)
	if len(fs) != 1 {
		t.Fatalf("want 1 finding, got %d", len(fs))
	}
	f := fs[0]
	if f.Check != "pii-exposure" || f.Severity != finding.High || f.CWE[0] != "CWE-359" || f.OWASP != "API3:2023" {
		t.Errorf("got check %s severity %s cwe %v owasp %s", f.Check, f.Severity, f.CWE, f.OWASP)
	}
	d := f.Evidence.Details
	if d["records"] != "2" || d["people"] != "2" || !strings.Contains(d["json_paths"], "$.users[*].ssn") {
		t.Errorf("details %v", d)
	}
	if len(f.Evidence.Values) == 0 {
		t.Fatal("no sample values")
	}
	for _, raw := range []string{"412-67-3385", "309-52-7741", "alice.moreau@proton.me", "415-555-2671"} {
		for _, v := range f.Evidence.Values {
			if strings.Contains(v.Masked, raw) {
				t.Errorf("a sample shows a raw value (%s)", finding.Mask(v.Type, raw))
			}
		}
		if strings.Contains(f.Evidence.Excerpt, raw) {
			t.Errorf("the excerpt shows a raw value (%s)", finding.Mask("ssn", raw))
		}
	}
}

func TestSilentOnFixedResponse(t *testing.T) {
	if fs := piiexposure.New().Inspect(exchange("alice", fixed), nil); len(fs) != 0 {
		t.Fatalf("fixed response: want no finding, got %d", len(fs))
	}
}

func TestSeverityByWhatAndHowMuch(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       finding.Severity
		fire       bool
	}{
		{"one email", `{"email":"alice.moreau@proton.me"}`, 0, false},
		{"one masked email", `{"email":"a***@proton.me"}`, 0, false},
		{"one dob", `{"name":"Alice","date_of_birth":"1984-03-12"}`, finding.Low, true},
		{"one full profile", `{"name":"Alice Moreau","email":"alice.moreau@proton.me","address":"742 Evergreen Terrace, Springfield, OR 97403"}`, finding.Medium, true},
		{"one contact card", `{"name":"Alice Moreau","email":"alice.moreau@proton.me","phone":"+1 415-555-2671"}`, 0, false},
		{"one ssn", `{"ssn":"412-67-3385"}`, finding.High, true},
		{"a few people", `[{"email":"alice.moreau@proton.me"},{"email":"bob.okafor@fastmail.com"}]`, finding.Medium, true},
		{"many people", `[` + strings.Repeat(`{"email":"x"},`, 0) + manyEmails(12) + `]`, finding.High, true},
		{"many ssns", `[` + manySSNs(12) + `]`, finding.Critical, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := piiexposure.New().Inspect(exchange("alice", tc.body), nil)
			if !tc.fire {
				if len(fs) != 0 {
					t.Fatalf("want nothing, got %s", fs[0].Severity)
				}
				return
			}
			if len(fs) != 1 || fs[0].Severity != tc.want {
				t.Fatalf("want one %s finding, got %d", tc.want, len(fs))
			}
		})
	}
}

func manyEmails(n int) string {
	names := []string{"alice", "bjorn", "chiara", "dmitri", "elena", "farid", "grace", "hiroshi", "ines", "jamal", "liam", "mei", "nadia"}
	var parts []string
	for i := 0; i < n; i++ {
		parts = append(parts, `{"email":"`+names[i%len(names)]+`.larsen@gmail.com"}`)
	}
	return strings.Join(parts, ",")
}

func manySSNs(n int) string {
	var parts []string
	for i := 0; i < n; i++ {
		parts = append(parts, `{"ssn":"412-67-`+string(rune('1'+i%9))+`38`+string(rune('1'+i/9))+`"}`)
	}
	return strings.Join(parts, ",")
}

// The shape of boto3's Table.scan() of a patients table: nested address
// and card objects, a password hash, ResponseMetadata.
func TestNestedRecordsOfARawScan(t *testing.T) {
	var recs []string
	names := []string{"Alice Moreau", "Bob Okafor", "Carol Nguyen", "Dmitri Ivanov", "Elena Rossi", "Farid Haddad", "Grace Whitfield", "Hiroshi Tanaka", "Ines Silva", "Jamal Johnson", "Liam Murphy"}
	cards := []string{"5116961053178391", "4556737586899855", "5425233430109903"}
	for i, n := range names {
		email := strings.ToLower(strings.ReplaceAll(n, " ", ".")) + "@gmail.com"
		recs = append(recs, `{"patient_id":"u_10`+string(rune('0'+i/10))+string(rune('0'+i%10))+`","name":"`+n+`","email":"`+email+`",`+
			`"ssn":"412-67-33`+string(rune('0'+i/10))+string(rune('0'+i%10))+`","dob":"1984-03-12",`+
			`"address":{"street":"9497 Granite Boulevard","city":"Tucson","state":"AZ","zip":"85793"},`+
			`"card":{"brand":"visa","number":"`+cards[i%3]+`","exp":"10/30"}}`)
	}
	body := `{"Items":[` + strings.Join(recs, ",") + `],"Count":11,"ScannedCount":11,"ResponseMetadata":{"RequestId":"X","HTTPStatusCode":200}}`
	fs := piiexposure.New().Inspect(exchange("alice", body), nil)
	if len(fs) != 1 || fs[0].Severity != finding.Critical {
		t.Fatalf("want one critical finding, got %d", len(fs))
	}
	d := fs[0].Evidence.Details
	for _, typ := range []string{"card", "ssn", "postal_address", "date_of_birth", "email", "person_name"} {
		if !strings.Contains(d["types"], typ) {
			t.Errorf("types %q lack %s", d["types"], typ)
		}
	}
	if d["people"] != "11" || d["records"] != "11" {
		t.Errorf("people %s records %s, want 11", d["people"], d["records"])
	}
}

// idEnv is a check.Env that only knows identities.
type idEnv struct{ ids []transport.Identity }

func (e idEnv) Do(context.Context, transport.Request, transport.Identity) (*transport.Response, error) {
	return nil, errors.New("no network in this test")
}
func (e idEnv) Identities() []transport.Identity { return e.ids }
func (e idEnv) Target() *url.URL                 { return &url.URL{Scheme: "http", Host: "127.0.0.1"} }
func (e idEnv) Endpoints() []surface.Endpoint    { return nil }
func (e idEnv) AllowWrite() bool                 { return false }

func TestSeverityWeighsTheCaller(t *testing.T) {
	t.Run("own profile to its user", func(t *testing.T) {
		env := idEnv{ids: []transport.Identity{{Name: "alice", Header: http.Header{"Authorization": {"Bearer t"}}}}}
		profile := `{"name":"Alice Moreau","email":"alice.moreau@proton.me","phone":"+1 415-555-2671","date_of_birth":"1984-03-12","address":"742 Evergreen Terrace, Springfield, OR 97403"}`
		if fs := piiexposure.New().Inspect(exchange("alice", profile), env); len(fs) != 0 {
			t.Fatalf("a user's own contact data is not an exposure, got %d findings", len(fs))
		}
	})
	auth := func(name, role string) transport.Identity {
		return transport.Identity{Name: name, Role: role, Header: http.Header{"Authorization": {"Bearer t-" + name}}}
	}
	env := idEnv{ids: []transport.Identity{transport.Anonymous(), auth("alice", "user"), auth("admin", "admin")}}
	profile := `{"name":"Alice Moreau","email":"alice.moreau@proton.me","phone":"+1 415-555-2671","date_of_birth":"1984-03-12","address":"742 Evergreen Terrace, Springfield, OR 97403"}`
	list := `{"users":[
 {"name":"Alice Moreau","email":"alice.moreau@proton.me","date_of_birth":"1984-03-12"},
 {"name":"Bob Okafor","email":"bob.okafor@fastmail.com","date_of_birth":"1979-11-30"},
 {"name":"Carol Nguyen","email":"carol.nguyen@outlook.com","date_of_birth":"1991-07-04"}]}`
	for _, tc := range []struct {
		name, identity, body string
		want                 finding.Severity
	}{
		{"one profile to anyone", "anonymous", profile, finding.Medium},
		{"a list to a user", "alice", list, finding.Medium},
		{"a list to an administrator", "admin", list, finding.Low},
		{"SSNs to an administrator", "admin", leaky, finding.High},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := piiexposure.New().Inspect(exchange(tc.identity, tc.body), env)
			if len(fs) != 1 || fs[0].Severity != tc.want {
				var got []string
				for _, f := range fs {
					got = append(got, f.Severity.String())
				}
				t.Fatalf("want one %s finding, got %v", tc.want, got)
			}
		})
	}
}
