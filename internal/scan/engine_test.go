package scan_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/check/all"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/scan"
	"github.com/leakhound/leakhound/internal/testapi"
	"github.com/leakhound/leakhound/internal/transport"
)

func options(t *testing.T, target string) scan.Options {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	return scan.Options{
		Client:  transport.Config{Target: u, Concurrency: 4, Timeout: 2 * time.Second, MaxRequests: 500, MaxBody: 1 << 20},
		Checks:  all.Active(),
		Passive: all.Passive(),
		Tool:    finding.Tool{Name: "leakhound", Version: "test"},
	}
}

func TestHostileBodiesDoNotPanic(t *testing.T) {
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"links":["/utf8","/notjson","/deep","/empty","/binary"]}`))
		case "/utf8":
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.Write([]byte("{\"name\":\"\xff\xfe\xfd\",\"email\":\"a\xc3\x28@x.com\"}"))
		case "/notjson":
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte("<html><body>Internal Server Error</body></html>"))
		case "/deep":
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(deep))
		case "/empty":
			w.Header().Set("Content-Type", "application/json")
		case "/binary":
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Write([]byte{0, 1, 2, 0xff, 0x1f, 0x8b})
		}
	}))
	defer srv.Close()
	rep, err := scan.Run(context.Background(), options(t, srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Endpoints != 6 {
		t.Fatalf("want the root and 5 harvested endpoints, got %d", rep.Endpoints)
	}
}

func TestUnreachableTarget(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	rep, err := scan.Run(context.Background(), options(t, "http://"+addr+"/"))
	if !errors.Is(err, scan.ErrUnreachable) {
		t.Fatalf("want ErrUnreachable, got %v", err)
	}
	if rep == nil || !rep.Partial {
		t.Fatal("want a report marked partial")
	}
}

func TestCancelledScanIsPartial(t *testing.T) {
	api := testapi.New(testapi.Vulnerable)
	srv := httptest.NewServer(api)
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep, err := scan.Run(ctx, options(t, srv.URL))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
	if rep == nil || !rep.Partial {
		t.Fatal("want a partial report")
	}
}

func TestTwoScansGiveTheSameFindings(t *testing.T) {
	api := testapi.New(testapi.Vulnerable)
	srv := httptest.NewServer(api)
	defer srv.Close()
	a, err := scan.Run(context.Background(), options(t, srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	b, err := scan.Run(context.Background(), options(t, srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Findings) == 0 || len(a.Findings) != len(b.Findings) {
		t.Fatalf("finding counts differ or are zero: %d vs %d", len(a.Findings), len(b.Findings))
	}
	for i := range a.Findings {
		fa, fb := a.Findings[i], b.Findings[i]
		if fa.Fingerprint != fb.Fingerprint || fa.Identity != fb.Identity || fa.URL != fb.URL || fa.Evidence.Excerpt != fb.Evidence.Excerpt {
			t.Fatalf("finding %d differs between scans:\n%+v\n%+v", i, fa, fb)
		}
	}
}

func TestOnlyReadMethodsByDefault(t *testing.T) {
	api := testapi.New(testapi.Vulnerable)
	srv := httptest.NewServer(api)
	defer srv.Close()
	if _, err := scan.Run(context.Background(), options(t, srv.URL)); err != nil {
		t.Fatal(err)
	}
	for _, r := range api.Requests() {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
		default:
			t.Fatalf("a default scan sent %s %s", r.Method, r.Path)
		}
	}
}

func TestBudgetExhaustionIsReported(t *testing.T) {
	api := testapi.New(testapi.Vulnerable)
	srv := httptest.NewServer(api)
	defer srv.Close()
	o := options(t, srv.URL)
	o.Client.MaxRequests = 2
	rep, err := scan.Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Partial || len(rep.Errors) == 0 || !strings.Contains(rep.Errors[0], "budget") {
		t.Fatalf("want a partial report naming the budget, got %+v", rep.Errors)
	}
	if n := len(api.Requests()); n > 2 {
		t.Fatalf("budget of 2 but the API saw %d requests", n)
	}
}
