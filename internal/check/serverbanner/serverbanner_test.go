package serverbanner_test

import (
	"testing"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/serverbanner"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/testapi"
	"github.com/leakhound/leakhound/internal/testapi/scantest"
)

func TestServerBanner(t *testing.T) {
	opts := scantest.Options{Passive: []check.Passive{serverbanner.New()}}

	rep, _ := scantest.Run(t, testapi.Vulnerable, opts)
	got := map[string]finding.Finding{}
	for _, f := range scantest.Find(rep, "server-banner") {
		got[f.Subject] = f
	}
	server, ok := got["Server"]
	if !ok || server.Severity != finding.Low || server.Evidence.Details["value"] != "Werkzeug/2.2.2 Python/3.11.2" {
		t.Fatalf("want a low Server banner finding with the Werkzeug version, got %+v", got)
	}
	if _, ok := got["X-Powered-By"]; !ok {
		t.Fatal("X-Powered-By not reported")
	}
	if len(got) != 2 {
		t.Fatalf("want exactly two banner findings (one per header, site-wide), got %d", len(got))
	}
	if server.Occurrences < 4 || server.Identity != "anonymous" {
		t.Fatalf("want every response listed and the anonymous reproduction, got %d occurrences as %s", server.Occurrences, server.Identity)
	}

	rep, _ = scantest.Run(t, testapi.Fixed, opts)
	if fs := scantest.Find(rep, "server-banner"); len(fs) != 0 {
		t.Fatalf("fixed API: want no banner finding, got %+v", fs)
	}
}
