package errordisclosure

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/leakhound/leakhound/internal/check/checktest"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/surface"
)

// server is a patient API whose item lookup passes the id straight to
// DynamoDB; vulnerable echoes the botocore error, fixed hides it.
func server(vulnerable bool) (*httptest.Server, *[]string) {
	var mu sync.Mutex
	var seen []string
	mux := http.NewServeMux()
	mux.HandleFunc("/api/patients/{id}", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.RequestURI())
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if _, err := strconv.Atoi(r.PathValue("id")); err != nil {
			w.WriteHeader(http.StatusInternalServerError)
			if vulnerable {
				json.NewEncoder(w).Encode(map[string]string{
					"error": "botocore.exceptions.ClientError: An error occurred (ValidationException) when calling the GetItem operation: Type mismatch for key id",
					"trace": "Traceback (most recent call last):\n  File \"/srv/clinic/app.py\", line 42, in get_patient\n",
					"item":  "owner alice.moreau@proton.me",
				})
				return
			}
			json.NewEncoder(w).Encode(map[string]string{"error": "internal error", "error_id": "5d1f"})
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"id": r.PathValue("id")})
	})
	mux.HandleFunc("POST /api/notes", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.RequestURI())
		mu.Unlock()
		var v map[string]any
		if err := json.NewDecoder(r.Body).Decode(&v); err != nil && vulnerable {
			http.Error(w, "Traceback (most recent call last):\n  File \"/srv/clinic/notes.py\", line 9, in create\njson.decoder.JSONDecodeError: "+err.Error(), 500)
			return
		}
		w.WriteHeader(http.StatusBadRequest)
	})
	return httptest.NewServer(mux), &seen
}

func TestErrorDisclosure(t *testing.T) {
	template := surface.Endpoint{Method: http.MethodGet, Path: "/api/patients/{id}", Params: []surface.Param{{Name: "id", In: "path", Values: []string{"1001"}}}}
	harvested := surface.Endpoint{Method: http.MethodGet, Path: "/api/patients/1001", Source: surface.SourceHarvest}
	for _, tc := range []struct {
		name       string
		vulnerable bool
		ep         surface.Endpoint
		want       bool
	}{
		{"vulnerable template", true, template, true},
		{"vulnerable harvested path", true, harvested, true},
		{"fixed template", false, template, false},
		{"fixed harvested path", false, harvested, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, seen := server(tc.vulnerable)
			defer srv.Close()
			env := checktest.New(t, srv.URL, checktest.Options{})
			fs := env.Run(t, New(), tc.ep)
			if got := len(fs) > 0; got != tc.want {
				t.Fatalf("findings = %+v, want fired=%v", fs, tc.want)
			}
			for _, r := range *seen {
				if !strings.HasPrefix(r, "GET ") {
					t.Errorf("sent %s without --allow-write", r)
				}
			}
			if len(*seen) > len(probes) {
				t.Errorf("sent %d requests for one parameter", len(*seen))
			}
			if !tc.want {
				return
			}
			f := fs[0]
			if f.Check != "error-disclosure" || f.Severity < finding.Medium {
				t.Errorf("finding = %s %s", f.Check, f.Severity)
			}
			if f.Evidence.Details["trigger"] == "" || !strings.Contains(f.Evidence.Details["artefacts"], "botocore_error") {
				t.Errorf("details = %v", f.Evidence.Details)
			}
			if strings.Contains(f.Evidence.Excerpt, "alice.moreau@proton.me") {
				t.Errorf("excerpt leaks the email: %s", f.Evidence.Excerpt)
			}
			if !strings.Contains(f.Remediation, "errorhandler") {
				t.Error("remediation lacks the Flask errorhandler")
			}
		})
	}
}

func TestMalformedJSONBodyNeedsAllowWrite(t *testing.T) {
	ep := surface.Endpoint{Method: http.MethodPost, Path: "/api/notes"}
	srv, seen := server(true)
	defer srv.Close()

	env := checktest.New(t, srv.URL, checktest.Options{})
	if fs := env.Run(t, New(), ep); len(fs) != 0 || len(*seen) != 0 {
		t.Fatalf("without --allow-write: findings %v, requests %v", fs, *seen)
	}
	env = checktest.New(t, srv.URL, checktest.Options{AllowWrite: true})
	fs := env.Run(t, New(), ep)
	if len(fs) != 1 || fs[0].Method != http.MethodPost {
		t.Fatalf("with --allow-write: %+v", fs)
	}
}

func TestPoints(t *testing.T) {
	ep := surface.Endpoint{Method: http.MethodGet, Path: "/api/search?q=flu&page=2"}
	var names []string
	for _, p := range points(ep) {
		names = append(names, p.in+":"+p.name)
	}
	if strings.Join(names, ",") != "query:page,query:q" {
		t.Errorf("points = %v", names)
	}
	if ps := points(surface.Endpoint{Method: http.MethodGet, Path: "/api/health"}); len(ps) != 0 {
		t.Errorf("points of a fixed path = %d", len(ps))
	}
}

// TestRemediationFollowsTheStackSeen: an SQLite app gets advice about bound
// parameters, never about botocore; a Node app gets the generic handler.
func TestRemediationFollowsTheStackSeen(t *testing.T) {
	for _, tc := range []struct {
		name, body, want, never string
	}{
		{"sql", `{"error":"sqlite3.OperationalError: near \"'\": syntax error"}`, "bound parameters", "botocore"},
		{"mongodb", `{"error":"MongoServerError: E11000 duplicate key error collection: shop.users"}`, "ObjectId", "botocore"},
		{"node", "TypeError: x is undefined\n    at getUser (/srv/api/routes/users.js:17:9)", "NODE_ENV=production", "botocore"},
		{"dynamodb", `{"error":"An error occurred (ValidationException) when calling the GetItem operation: bad key"}`, "ClientError", "bound parameters"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasSuffix(r.URL.Path, "/1001") {
					w.Write([]byte(`{"id":1001}`))
					return
				}
				w.WriteHeader(http.StatusInternalServerError)
				w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			env := checktest.New(t, srv.URL, checktest.Options{})
			ep := surface.Endpoint{Method: http.MethodGet, Path: "/api/items/{id}", Params: []surface.Param{{Name: "id", In: "path", Values: []string{"1001"}}}}
			fs := env.Run(t, New(), ep)
			if len(fs) != 1 {
				t.Fatalf("findings = %d, want 1", len(fs))
			}
			if r := fs[0].Remediation; !strings.Contains(r, tc.want) || strings.Contains(r, tc.never) {
				t.Errorf("remediation for %s: %s", tc.name, r)
			}
		})
	}
}
