package scan_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/check/all"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/login"
	"github.com/leakhound/leakhound/internal/scan"
	"github.com/leakhound/leakhound/internal/surface/discover"
	"github.com/leakhound/leakhound/internal/surface/safety"
	"github.com/leakhound/leakhound/internal/testapi"
	"github.com/leakhound/leakhound/internal/transport"
)

// wire records every request that reached the fragile API.
type wire struct {
	mu  sync.Mutex
	got []string // "METHOD /path"
}

func (w *wire) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.mu.Lock()
		w.got = append(w.got, r.Method+" "+r.URL.Path)
		w.mu.Unlock()
		h.ServeHTTP(rw, r)
	})
}

func (w *wire) requests() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.got...)
}

func fragileIdentities() []transport.Identity {
	bearer := func(name, role, token string) transport.Identity {
		return transport.Identity{Name: name, Role: role, Header: http.Header{"Authorization": {"Bearer " + token}}}
	}
	dave := transport.Identity{Name: "dave", Login: &login.Flow{
		Method: http.MethodPost, Path: "/api/login", Header: http.Header{"Content-Type": {"application/json"}},
		Body:      []byte(`{"email":"` + testapi.FragileDaveEmail + `","password":"` + testapi.FragileDavePass + `"}`),
		TokenJSON: "access_token",
	}}
	return []transport.Identity{
		bearer("alice", "user", testapi.FragileAliceToken),
		bearer("bob", "user", testapi.FragileBobToken),
		bearer("admin", "admin", testapi.FragileAdminToken),
		dave,
	}
}

// scanFragile scans a fresh fragile API with every check, discovery of its
// spec, and the given client settings.
func scanFragile(t *testing.T, mod func(*transport.Config)) (*finding.Report, *testapi.Fragile, *wire) {
	t.Helper()
	api := testapi.NewFragile()
	rec := &wire{}
	srv := httptest.NewServer(rec.wrap(api))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	cfg := transport.Config{Target: u, Concurrency: 4, Timeout: 5 * time.Second, MaxRequests: 3000, MaxBody: 1 << 20, UserAgent: "leakhound/test"}
	if mod != nil {
		mod(&cfg)
	}
	checks := all.New(all.Options{})
	rep, err := scan.Run(context.Background(), scan.Options{
		Client:     cfg,
		Identities: fragileIdentities(),
		Checks:     checks.Active,
		Passive:    checks.Passive,
		Discovery:  &discover.Options{FindSpec: true},
		Tool:       finding.Tool{Name: "leakhound", Version: "test"},
	})
	if err != nil {
		t.Fatalf("scan: %v", err)
	}
	return rep, api, rec
}

var destructiveOps = []string{
	"GET /createdb", "GET /api/admin/rebuild-index", "GET /api/logout",
	"DELETE /api/users/{id}", "DELETE /api/addresses/{id}",
}

// TestReadOnlyScanChangesNothing: a default scan of the fragile API calls
// none of its destructive operations, puts no PUT, PATCH or DELETE on the
// wire, and POSTs only read-POSTs and the configured login flow.
func TestReadOnlyScanChangesNothing(t *testing.T) {
	for _, strict := range []bool{false, true} {
		t.Run("strict="+strconv.FormatBool(strict), func(t *testing.T) {
			var before string
			rep, api, rec := scanFragile(t, func(c *transport.Config) { c.StrictReadOnly = strict })
			before = testapi.NewFragile().State() // the seeded state
			calls := api.Calls()
			t.Logf("calls per operation: %v; %d requests sent, %d refused", calls, rep.RequestsSent, rep.RequestsRefused)
			for _, op := range destructiveOps {
				if calls[op] != 0 {
					t.Errorf("%s called %d times", op, calls[op])
				}
			}
			if calls["POST /api/register"] != 0 {
				t.Errorf("register called %d times", calls["POST /api/register"])
			}
			for _, r := range rec.requests() {
				method, path, _ := strings.Cut(r, " ")
				switch method {
				case http.MethodPut, http.MethodPatch, http.MethodDelete:
					t.Errorf("%s on the wire", r)
				case http.MethodPost:
					v := safety.ClassifyRequest(method, path)
					if path == "/api/login" {
						continue // dave's login flow
					}
					if strict || v.Class != safety.ReadPOST {
						t.Errorf("%s on the wire (%s)", r, v.Class)
					}
				}
			}
			if got := api.State(); got != before {
				t.Errorf("state changed:\nbefore:\n%s\nafter:\n%s", before, got)
			}
			if len(rep.Writes) != 0 {
				t.Errorf("a read-only scan journaled writes: %+v", rep.Writes)
			}
			skipped := map[string]bool{}
			for _, s := range rep.SkippedOperations {
				skipped[s.Method+" "+s.Path] = true
			}
			for _, op := range destructiveOps {
				if !skipped[op] {
					t.Errorf("%s missing from skipped_operations %v", op, skipped)
				}
			}
			if skipped["GET /api/runs"] || calls["GET /api/runs"] == 0 {
				t.Error("GET /api/runs (a noun) must be read, not skipped")
			}
			if rep.RequestsRefused == 0 {
				t.Error("the crawl met the dangerous links: refusals must be counted")
			}
			if calls["GET /api/me"] == 0 || calls["GET /api/users/{id}"] == 0 {
				t.Errorf("the scan did not read the API: %v", calls)
			}
		})
	}
}

// TestAllowWriteScanKeepsItsContract: --allow-write never resets or logs
// out, deletes only what it created (as its creator), restores what its
// write probes change and leaves the state as it found it.
func TestAllowWriteScanKeepsItsContract(t *testing.T) {
	rep, api, rec := scanFragile(t, func(c *transport.Config) { c.AllowWrite = true })
	calls := api.Calls()
	t.Logf("calls per operation: %v; %d requests sent, %d refused, %d writes journaled; created %v, deleted %v", calls, rep.RequestsSent, rep.RequestsRefused, len(rep.Writes), api.Created(), api.Deleted())
	for _, op := range []string{"GET /createdb", "GET /api/admin/rebuild-index", "GET /api/logout"} {
		if calls[op] != 0 {
			t.Errorf("%s called %d times", op, calls[op])
		}
	}
	created := map[string]bool{}
	for _, id := range api.Created() {
		created["/api/users/"+strconv.Itoa(id)] = true
	}
	if len(created) == 0 {
		t.Fatal("the scan registered no account: the write phase did not run")
	}
	for _, r := range rec.requests() {
		method, path, _ := strings.Cut(r, " ")
		if method == http.MethodDelete && !created[path] {
			t.Errorf("%s: DELETE of an object the scan did not create", r)
		}
	}
	for _, d := range api.Deleted() {
		if !created[d] {
			t.Errorf("%s deleted", d)
		}
	}
	if calls["PATCH /api/users/{id}"] == 0 {
		t.Fatal("no write probe ran")
	}
	if got, want := api.State(), testapi.NewFragile().State(); got != want {
		t.Errorf("state changed:\nwant:\n%s\ngot:\n%s", want, got)
	}
	// The journal: every write listed, restores verified, created accounts
	// removed or listed.
	patches, verified := 0, 0
	for _, w := range rep.Writes {
		if strings.Contains(w.URL, "Bearer") || w.Identity == "" || w.Purpose == "" {
			t.Errorf("journal entry %+v", w)
		}
		if w.Method == http.MethodPatch && w.Restores == 0 {
			patches++
			if w.RestoreVerified != nil && *w.RestoreVerified {
				verified++
			}
		}
		if w.Created != "" && (w.Removed == nil || !*w.Removed) {
			t.Errorf("created %s left on the target although the API documents its DELETE", w.Created)
		}
	}
	if patches == 0 || verified == 0 {
		t.Errorf("journal: %d probing PATCHes, %d verified restores: %+v", patches, verified, rep.Writes)
	}
	nWrites := 0
	for _, r := range rec.requests() {
		if m, _, _ := strings.Cut(r, " "); m == http.MethodPatch || m == http.MethodDelete || m == http.MethodPut {
			nWrites++
		}
	}
	journaled := 0
	for _, w := range rep.Writes {
		if w.Method != http.MethodPost {
			journaled++
		}
	}
	if journaled != nWrites {
		t.Errorf("%d PATCH/PUT/DELETE on the wire, %d in the journal", nWrites, journaled)
	}
}

// TestRateLimitedLoginIsNotEvidence: the login answers 429 once its
// limiter is full; user enumeration must not compare a 401 with a 429.
func TestRateLimitedLoginIsNotEvidence(t *testing.T) {
	rep, api, _ := scanFragile(t, func(c *transport.Config) { c.AllowWrite = true })
	if api.Calls()["POST /api/login"] < 2 {
		t.Fatalf("user enumeration did not probe the login: %v", api.Calls())
	}
	for _, f := range rep.Findings {
		if f.Check == "user-enumeration" && strings.Contains(f.Path, "login") {
			t.Errorf("finding on a rate-limited comparison: %s (%s)", f.Title, f.Evidence.Excerpt)
		}
	}
	warned := slices.ContainsFunc(rep.Warnings, func(w string) bool { return strings.Contains(w, "429") && strings.Contains(w, "/api/login") })
	if !warned {
		t.Errorf("no warning about the dropped comparison: %q", rep.Warnings)
	}
}

// TestExcludeHoldsEveryStage: no stage sends a request to an excluded path.
func TestExcludeHoldsEveryStage(t *testing.T) {
	rule, err := safety.ParseRule("GET /api/admin/*")
	if err != nil {
		t.Fatal(err)
	}
	rep, api, rec := scanFragile(t, func(c *transport.Config) { c.Scope = safety.Scope{Exclude: []safety.Rule{rule}} })
	for _, r := range rec.requests() {
		if m, p, _ := strings.Cut(r, " "); rule.Match(m, p) {
			t.Errorf("%s on the wire despite --exclude", r)
		}
	}
	if n := api.Calls()["GET /api/admin/stats"]; n != 0 {
		t.Errorf("GET /api/admin/stats called %d times", n)
	}
	found := false
	for _, s := range rep.SkippedOperations {
		if s.Path == "/api/admin/stats" && strings.Contains(s.Reason, "--exclude") {
			found = true
		}
	}
	if !found {
		t.Errorf("skipped operations do not list the excluded path: %+v", rep.SkippedOperations)
	}
	if api.Calls()["GET /api/users/{id}"] == 0 {
		t.Error("the rest of the API was not scanned")
	}
}

// TestSmallBudgetGivesAPartialReport: a budget too small for the whole scan
// still yields a report, marked partial, with discovery held to its share.
func TestSmallBudgetGivesAPartialReport(t *testing.T) {
	api := testapi.New(testapi.Vulnerable)
	srv := httptest.NewServer(api)
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	rep, err := scan.Run(context.Background(), scan.Options{
		Client:     transport.Config{Target: u, Concurrency: 4, Timeout: 5 * time.Second, MaxRequests: 100, MaxBody: 1 << 20},
		Identities: fragileIdentities()[:2],
		Checks:     all.Active(),
		Passive:    all.Passive(),
		Discovery:  &discover.Options{FindSpec: true, Probe: true},
	})
	if err != nil {
		t.Fatalf("a spent budget must not fail the scan: %v", err)
	}
	if !rep.Partial || !slices.ContainsFunc(rep.Errors, func(e string) bool { return strings.Contains(e, "budget") }) {
		t.Errorf("want a partial report saying the budget ran out, got partial=%v errors=%q", rep.Partial, rep.Errors)
	}
	if d := rep.RequestsByCheck["discovery"]; d > 25 {
		t.Errorf("discovery sent %d of 100 requests; its share is %v", d, scan.DiscoveryShare)
	}
	if rep.RequestsByCheck["baseline"] == 0 {
		t.Error("no baseline request: discovery ate the budget")
	}
	if rep.RequestsSent > 100 {
		t.Errorf("%d requests sent over a budget of 100", rep.RequestsSent)
	}
}

// TestAllowWriteListsDestructiveOperationsNeverSent: under --allow-write a
// documented DELETE the scan had no object of its own for is listed as
// skipped; the one it used for its cleanup is not.
func TestAllowWriteListsDestructiveOperationsNeverSent(t *testing.T) {
	rep, _, _ := scanFragile(t, func(c *transport.Config) { c.AllowWrite = true })
	skipped := map[string]string{}
	for _, s := range rep.SkippedOperations {
		skipped[s.Method+" "+s.Path] = s.Reason
	}
	if !strings.Contains(skipped["DELETE /api/addresses/{id}"], "objects this scan created") {
		t.Errorf("DELETE /api/addresses/{id} not listed: %v", skipped)
	}
	if _, ok := skipped["DELETE /api/users/{id}"]; ok {
		t.Errorf("DELETE /api/users/{id} was sent by the cleanup, yet listed: %v", skipped)
	}
}
