package scan_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/scan"
)

// crashingDebugRoute serves a small API under /api/v2 whose /debug route
// answers 500 with a Python traceback and the process environment, and a
// JSON 404 for every other unknown path. With fixed, /debug answers the
// same 404 as any unknown path.
func crashingDebugRoute(fixed bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/api/v2", "/api/v2/":
			fmt.Fprint(w, `{"name":"ledger","version":"2"}`)
		case "/api/v2/debug":
			if !fixed {
				w.Header().Set("Content-Type", "text/plain")
				w.WriteHeader(http.StatusInternalServerError)
				fmt.Fprint(w, "Traceback (most recent call last):\n"+
					"  File \"/srv/app/app.py\", line 88, in debug\n"+
					"    raise RuntimeError(\"boom\")\n"+
					"RuntimeError: boom\n\n"+
					"STRIPE_SECRET_KEY=sk_live_51HqzXeGvY8rT2bNq0pLmW3dK\nDATABASE_HOST=db.internal\n")
				return
			}
			fallthrough
		default:
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"error":"not found"}`)
		}
	})
}

// TestCrashingDebugRouteIsReportedAtItsPath: discovery judges a probe that
// answers 500 no route, but the traceback and the secret in that answer are
// that path's (not PREFIX{any}, which reads as "every path leaks it"), and
// the traceback is reported although nothing was sent to break the handler.
func TestCrashingDebugRouteIsReportedAtItsPath(t *testing.T) {
	for _, fixed := range []bool{false, true} {
		t.Run(fmt.Sprintf("fixed=%v", fixed), func(t *testing.T) {
			srv := httptest.NewServer(crashingDebugRoute(fixed))
			defer srv.Close()
			rep, err := scan.Run(context.Background(), options(t, srv.URL+"/api/v2"))
			if err != nil && rep == nil {
				t.Fatal(err)
			}
			var traceback, secret bool
			for _, f := range rep.Findings {
				t.Logf("%s %s %s %s %q", f.Check, f.Severity, f.Method, f.Path, f.Title)
				if strings.HasSuffix(f.Path, "{any}") {
					t.Errorf("%s %s %s: a finding on the catch-all", f.Check, f.Method, f.Path)
				}
				at := strings.Contains(f.URL, "/api/v2/debug")
				for _, in := range f.Instances {
					at = at || strings.Contains(in.URL, "/api/v2/debug")
				}
				if !at {
					continue
				}
				if f.Check == "error-disclosure" {
					traceback = true
				}
				if f.Severity >= finding.High && f.Path == "/api/v2/debug" && strings.Contains(strings.ToLower(f.Title+f.Evidence.Excerpt), "stripe") || f.Check == "credential-exposure" && f.Path == "/api/v2/debug" {
					secret = true
				}
			}
			if fixed {
				if traceback || secret {
					t.Errorf("fixed target: traceback %v, secret %v, want neither", traceback, secret)
				}
				return
			}
			if !traceback || !secret {
				for _, f := range rep.Findings {
					t.Logf("%s %s %s %s %q", f.Check, f.Severity, f.Method, f.Path, f.Title)
				}
				t.Errorf("traceback reported %v, secret reported at /api/v2/debug %v: want both", traceback, secret)
			}
		})
	}
}
