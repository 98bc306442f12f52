package scan_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/check/all"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/scan"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/surface/har"
	"github.com/leakhound/leakhound/internal/surface/openapi"
	"github.com/leakhound/leakhound/internal/testapi"
	"github.com/leakhound/leakhound/internal/testapi/scantest"
	"github.com/leakhound/leakhound/internal/transport"
)

// opsWeakness is one known weakness of the operations API: the check that
// must find it, the method and the path template.
type opsWeakness struct {
	check, method, path string
	write               bool // found only with --allow-write
}

var opsWeaknesses = []opsWeakness{
	{"bola", "GET", "/profile", false},
	{"bola", "GET", "/users/{user_id}/profile", false},
	{"bola", "GET", "/notes/{note_title}", false},
	{"missing-authentication", "GET", "/passphrase/{username}", false},
	{"bola", "GET", "/books/{book_title}", false},
	{"bola", "POST", "/rpc/profile/get", false},
	{"error-disclosure", "POST", "/rpc/search", false},
	{"error-disclosure", "GET", "/status", false},
	{"bfla", "POST", "/rpc/admin/list-users", false},
	{"bola-adjacent-id", "POST", "/rpc/invoices/fetch", false},
	{"bola", "PUT", "/rpc/items/{item_id}", true},
	{"mass-assignment", "POST", "/rpc/register", true},
	{"user-enumeration", "POST", "/rpc/login", true},
}

// scanOperations scans the operations API of variant v with its
// specification and recording, as alice and bob.
func scanOperations(t *testing.T, v testapi.Variant, allowWrite bool) *finding.Report {
	t.Helper()
	api := testapi.NewOperations(v)
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	doc, err := openapi.Parse([]byte(testapi.OperationsSpec))
	if err != nil {
		t.Fatal(err)
	}
	harFile := filepath.Join(t.TempDir(), "ops.har")
	if err := os.WriteFile(harFile, testapi.OperationsHAR(srv.URL), 0o600); err != nil {
		t.Fatal(err)
	}
	rec, err := har.LoadFile(harFile, u)
	if err != nil {
		t.Fatal(err)
	}
	eps := append(append([]surface.Endpoint(nil), doc.Endpoints...), rec.Endpoints...)
	set := all.New(all.Options{})
	rep, err := scan.Run(context.Background(), scan.Options{
		Client: transport.Config{Target: u, Concurrency: 4, Timeout: 5 * time.Second, MaxRequests: 5000,
			MaxBody: 8 << 20, AllowWrite: allowWrite, UserAgent: "leakhound/test"},
		Identities: []transport.Identity{scantest.Alice(), scantest.Bob()},
		Endpoints:  eps,
		Values:     rec.Values,
		Checks:     set.Active,
		Passive:    set.Passive,
		Tool:       finding.Tool{Name: "leakhound", Version: "test"},
	})
	if err != nil {
		t.Fatalf("scan: %v", err)
	}
	return rep
}

// foundIn reports whether a finding of the check names the operation, as
// its own path or as one of its instances (one root cause seen on several
// operations is one finding).
func foundIn(rep *finding.Report, w opsWeakness) bool {
	for _, f := range rep.Findings {
		if f.Check != w.check {
			continue
		}
		if strings.EqualFold(f.Method, w.method) && f.Path == w.path {
			return true
		}
		for _, in := range f.Instances {
			if u, err := url.Parse(in.URL); err == nil && strings.EqualFold(in.Method, w.method) && surface.MatchTemplate(w.path, u.Path) {
				return true
			}
		}
	}
	return false
}

func describe(rep *finding.Report) string {
	var out []string
	for _, f := range rep.Findings {
		out = append(out, f.Check+" "+f.Method+" "+f.Path+" "+f.Severity.String())
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

// TestOperationsAPI scans every API shape of the operations API: each
// weakness is found in the vulnerable variant, and the fixed variant has
// no high or critical finding.
func TestOperationsAPI(t *testing.T) {
	if testing.Short() {
		t.Skip("full scans")
	}
	for _, write := range []bool{false, true} {
		name := "read-only"
		if write {
			name = "allow-write"
		}
		t.Run(name, func(t *testing.T) {
			rep := scanOperations(t, testapi.Vulnerable, write)
			found := 0
			want := 0
			for _, w := range opsWeaknesses {
				if w.write && !write {
					continue
				}
				want++
				if foundIn(rep, w) {
					found++
				} else {
					t.Errorf("vulnerable: %s %s %s not found", w.check, w.method, w.path)
				}
			}
			t.Logf("recall %d/%d, %d requests", found, want, rep.RequestsSent)
			// The per-operation and per-check budgets keep a scan of this
			// 20-operation API with two identities under 600 requests.
			if rep.RequestsSent >= 600 {
				t.Errorf("%d requests, want under 600 (by check: %v)", rep.RequestsSent, rep.RequestsByCheck)
			}
			if t.Failed() {
				t.Logf("findings:\n%s", describe(rep))
			}
			fixed := scanOperations(t, testapi.Fixed, write)
			for _, f := range fixed.Findings {
				// The owner's own passphrase served to its owner: the
				// sensitivity model's call, not an operation's.
				if f.Check == "credential-exposure" && f.Path == "/passphrase/{username}" {
					continue
				}
				if f.Severity >= finding.High {
					t.Errorf("fixed: %s %s %s %s: %s", f.Severity, f.Check, f.Method, f.Path, f.Title)
				}
			}
		})
	}
}
