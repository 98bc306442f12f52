package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/surface/safety"
)

// recorder is a target that counts every request it receives by
// "METHOD path".
type recorder struct {
	mu   sync.Mutex
	hits map[string]int
}

func (r *recorder) count(req *http.Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.hits == nil {
		r.hits = map[string]int{}
	}
	r.hits[req.Method+" "+req.URL.Path]++
}

func (r *recorder) get(key string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.hits[key]
}

func (r *recorder) total() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, v := range r.hits {
		n += v
	}
	return n
}

func TestPolicyRefusesBeforeTheWire(t *testing.T) {
	rec := &recorder{}
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.count(r)
		if r.URL.Path == "/go-away" {
			http.Redirect(w, r, "/api/logout", http.StatusFound)
		}
	}))
	defer target.Close()
	spec := []surface.Endpoint{
		{Method: "GET", Path: "/api/jobs/{id}", OperationID: "triggerJob"},
		{Method: "POST", Path: "/api/search"},
		{Method: "POST", Path: "/api/users"},
	}
	tests := []struct {
		name     string
		mod      func(*Config)
		method   string
		path     string
		refused  bool
		whyParts string
	}{
		{"createdb GET", nil, "GET", "/createdb", true, "wipe"},
		{"logout GET", nil, "GET", "/api/logout", true, "sessions"},
		{"HEAD logout", nil, "HEAD", "/api/logout", true, "sessions"},
		{"operationId of a known GET", nil, "GET", "/api/jobs/7", true, "destructive"},
		{"action query", nil, "GET", "/admin?action=delete", true, "destructive"},
		{"plain read", nil, "GET", "/api/runs", false, ""},
		{"read-POST in read-only", nil, "POST", "/api/search", false, ""},
		{"read-POST in strict read-only", func(c *Config) { c.StrictReadOnly = true }, "POST", "/api/search", true, "strict"},
		{"write in read-only", nil, "POST", "/api/users", true, "--allow-write"},
		{"write allowed", func(c *Config) { c.AllowWrite = true }, "POST", "/api/users", false, ""},
		{"reset even with allow-write", func(c *Config) { c.AllowWrite = true }, "POST", "/api/reset", true, "never"},
		{"DELETE of a found object", func(c *Config) { c.AllowWrite = true }, "DELETE", "/api/users/3", true, "created"},
		{"exclude", func(c *Config) { c.Scope = scope(t, nil, []string{"GET /api/admin/*"}) }, "GET", "/api/admin/users", true, "--exclude"},
		{"exclude other method", func(c *Config) { c.Scope = scope(t, nil, []string{"GET /api/admin/*"}) }, "OPTIONS", "/api/admin/users", false, ""},
		{"include", func(c *Config) { c.Scope = scope(t, []string{"/api/**"}, nil) }, "GET", "/health", true, "--include"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := rec.total()
			c := newClient(t, target.URL, func(c *Config) {
				c.Endpoints = spec
				if tt.mod != nil {
					tt.mod(c)
				}
			})
			allowed := c.Allowed(tt.method, tt.path, alice)
			if allowed == tt.refused || c.Refused() != 0 {
				t.Errorf("Allowed = %v before the request (refused %d)", allowed, c.Refused())
			}
			_, err := c.Do(context.Background(), Request{Method: tt.method, Path: tt.path, Body: []byte("{}")}, alice)
			sent := rec.total() - before
			if !tt.refused {
				if err != nil || sent != 1 {
					t.Fatalf("want it sent once, got err %v and %d requests", err, sent)
				}
				return
			}
			if !errors.Is(err, ErrRefused) || sent != 0 || c.Refused() != 1 || c.Sent() != 0 {
				t.Fatalf("want a refusal before the wire, got err %v, %d on the wire, refused %d, sent %d", err, sent, c.Refused(), c.Sent())
			}
			if len(c.Exchanges()) != 0 {
				t.Error("a refused request was recorded as an exchange")
			}
			sk := c.Skipped()
			found := false
			for _, s := range sk {
				if s.Method == tt.method && s.Refused == 1 && strings.Contains(s.Reason, tt.whyParts) {
					found = true
				}
			}
			if !found {
				t.Errorf("skipped operations %+v do not list the refusal (%q)", sk, tt.whyParts)
			}
		})
	}

	t.Run("redirect to logout not followed", func(t *testing.T) {
		c := newClient(t, target.URL, nil)
		resp, err := c.Do(context.Background(), Request{Path: "/go-away"}, alice)
		if err != nil || resp.Status != http.StatusFound {
			t.Fatalf("want the redirect itself, got %v %v", resp, err)
		}
		if n := rec.get("GET /api/logout"); n != 0 {
			t.Fatalf("logout reached %d times through a redirect", n)
		}
	})
}

func TestPolicyListsUnsendableOperationsUpFront(t *testing.T) {
	u := "http://127.0.0.1:1"
	c := newClient(t, u, func(c *Config) {
		c.Endpoints = []surface.Endpoint{
			{Method: "GET", Path: "/api/users"},
			{Method: "DELETE", Path: "/api/users/{id}"},
			{Method: "GET", Path: "/api/db/reset"},
		}
	})
	got := map[string]bool{}
	for _, s := range c.Skipped() {
		got[s.Method+" "+s.Path] = true
		if s.Refused != 0 {
			t.Errorf("%+v counts refusals before any request", s)
		}
	}
	if !got["DELETE /api/users/{id}"] || !got["GET /api/db/reset"] || got["GET /api/users"] || len(got) != 2 {
		t.Fatalf("skipped = %v", got)
	}
}

// TestDeleteOnlyWhatTheScanCreated: a DELETE goes to an object only after
// this scan created it, and only as its creator.
func TestDeleteOnlyWhatTheScanCreated(t *testing.T) {
	rec := &recorder{}
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.count(r)
		switch {
		case r.Method == "POST" && r.URL.Path == "/api/notes":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			w.Write([]byte(`{"id": 41}`))
		case r.Method == "POST" && r.URL.Path == "/api/register":
			w.Header().Set("Location", "/api/users/9")
			w.WriteHeader(http.StatusCreated)
		}
	}))
	defer target.Close()
	var log bytes.Buffer
	c := newClient(t, target.URL, func(c *Config) { c.AllowWrite = true; c.WriteLog = &log })
	bob := Identity{Name: "bob", Header: http.Header{"Authorization": {"Bearer bob"}}}
	ctx := WithCheck(context.Background(), "probe")
	del := func(path string, as Identity) error {
		_, err := c.Do(ctx, Request{Method: "DELETE", Path: path}, as)
		return err
	}
	if err := del("/api/notes/41", alice); !errors.Is(err, ErrRefused) {
		t.Fatalf("DELETE before creation: %v", err)
	}
	resp, err := c.Do(ctx, Request{Method: "POST", Path: "/api/notes", Body: []byte(`{"text":"leakhound-probe"}`), Purpose: "create a note"}, alice)
	if err != nil || resp.WriteSeq != 1 {
		t.Fatalf("POST: %v, seq %d", err, resp.WriteSeq)
	}
	if _, err := c.Do(ctx, Request{Method: "POST", Path: "/api/register", Body: []byte(`{}`)}, Anonymous()); err != nil {
		t.Fatal(err)
	}
	if err := del("/api/notes/41", bob); !errors.Is(err, ErrRefused) {
		t.Fatalf("DELETE as another identity: %v", err)
	}
	if err := del("/api/notes/42", alice); !errors.Is(err, ErrRefused) {
		t.Fatalf("DELETE of a neighbour: %v", err)
	}
	if err := del("/api/notes/41", alice); err != nil {
		t.Fatalf("DELETE of the created note as its creator: %v", err)
	}
	if err := del("/api/users/9", Anonymous()); err != nil {
		t.Fatalf("DELETE at the Location of a created account: %v", err)
	}
	if n := rec.get("DELETE /api/notes/41"); n != 1 || rec.get("DELETE /api/notes/42") != 0 {
		t.Fatalf("DELETE on the wire: %v", rec.hits)
	}
	created := c.Created()
	if len(created) != 2 || created[0].Path != "/api/notes/41" || created[0].Creator != "alice" || created[1].Path != "/api/users/9" {
		t.Fatalf("created = %+v", created)
	}
	ws := c.Writes()
	if len(ws) != 4 || ws[0].Purpose != "probe: create a note" || ws[0].Created != "/api/notes/41" || ws[0].Status != 201 || ws[2].Method != "DELETE" {
		t.Fatalf("journal = %+v", ws)
	}
	// The log has a line before each write and one with its answer.
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	if len(lines) != 8 {
		t.Fatalf("write log has %d lines, want 8:\n%s", len(lines), log.String())
	}
	var first map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil || first["seq"] != float64(1) || first["status"] != nil {
		t.Fatalf("first log line %s: %v", lines[0], err)
	}
	for _, l := range lines {
		if strings.Contains(l, "Bearer") {
			t.Fatal("the write log carries a credential")
		}
	}
}

func TestRestoreIsJournaled(t *testing.T) {
	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer target.Close()
	c := newClient(t, target.URL, func(c *Config) { c.AllowWrite = true })
	resp, err := c.Do(context.Background(), Request{Method: "PATCH", Path: "/api/users/3", Body: []byte(`{"nickname":"x"}`)}, alice)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Do(context.Background(), Request{Method: "PATCH", Path: "/api/users/3", Body: []byte(`{"nickname":"y"}`), Restores: resp.WriteSeq}, alice); err != nil {
		t.Fatal(err)
	}
	c.VerifyRestore(resp.WriteSeq, true)
	w := c.Writes()[0]
	if !strings.HasPrefix(w.RestoreRequest, "PATCH http://") || w.RestoreVerified == nil || !*w.RestoreVerified {
		t.Fatalf("journal entry = %+v", w)
	}
	if c.Writes()[1].Restores != 1 {
		t.Fatalf("restore entry = %+v", c.Writes()[1])
	}
}

// TestOneRequestInFlightPerKey: identical requests that cannot share an
// answer (a POST, a NoCache GET) are never on the wire together.
func TestOneRequestInFlightPerKey(t *testing.T) {
	var cur, peak atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		n := cur.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
		cur.Add(-1)
	}))
	defer target.Close()
	c := newClient(t, target.URL, func(c *Config) {
		c.Concurrency = 8
		c.Endpoints = []surface.Endpoint{{Method: "POST", Path: "/api/search"}}
	})
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := Request{Path: "/x", NoCache: true}
			if i%2 == 1 {
				req = Request{Method: "POST", Path: "/api/search", Body: []byte(`{"q":1}`)}
			}
			if _, err := c.Do(context.Background(), req, alice); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if peak.Load() > 2 {
		t.Fatalf("%d requests in flight at once; want at most one per key (2 keys)", peak.Load())
	}
	if c.Sent() != 6 {
		t.Fatalf("sent %d, want 6", c.Sent())
	}
}

func scope(t *testing.T, include, exclude []string) safety.Scope {
	t.Helper()
	var s safety.Scope
	for _, r := range include {
		rule, err := safety.ParseRule(r)
		if err != nil {
			t.Fatal(err)
		}
		s.Include = append(s.Include, rule)
	}
	for _, r := range exclude {
		rule, err := safety.ParseRule(r)
		if err != nil {
			t.Fatal(err)
		}
		s.Exclude = append(s.Exclude, rule)
	}
	return s
}

// TestSharedRequestCountedForTheFirstCheckByID: a GET two checks share is
// counted for the first of them by id, whichever asked first; a mapping
// stage comes before every check.
func TestSharedRequestCountedForTheFirstCheckByID(t *testing.T) {
	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer target.Close()
	for _, order := range [][]string{{"zeta", "alpha"}, {"alpha", "zeta"}} {
		c := newClient(t, target.URL, nil)
		for _, check := range order {
			if _, err := c.Do(WithCheck(context.Background(), check), Request{Path: "/shared"}, alice); err != nil {
				t.Fatal(err)
			}
		}
		if got := c.SentByCheck(); got["alpha"] != 1 || got["zeta"] != 0 || c.Sent() != 1 {
			t.Errorf("order %v: per-check counts %v, sent %d", order, got, c.Sent())
		}
	}
	c := newClient(t, target.URL, nil)
	for _, check := range []string{"alpha", "baseline"} {
		if _, err := c.Do(WithCheck(context.Background(), check), Request{Path: "/shared"}, alice); err != nil {
			t.Fatal(err)
		}
	}
	if got := c.SentByCheck(); got["baseline"] != 1 || got["alpha"] != 0 {
		t.Errorf("a baseline fetch shared with a check: %v", got)
	}
}
