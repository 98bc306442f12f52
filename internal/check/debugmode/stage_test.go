package debugmode

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/check/checktest"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/surface"
)

// gateway stands for an API Gateway stage /prod: what it does not deploy
// answers 403 {"message":"Missing Authentication Token"}. leaky deploys
// GET /prod/debug/env, a dump of the function's environment, at a route no
// conventional list holds; every variant serves /prod/help/settings, a
// page that only names settings.
func gateway(leaky bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case leaky && r.URL.Path == "/prod/debug/env":
			io.WriteString(w, `{"environment": {"AWS_DEFAULT_REGION": "eu-west-3", "AWS_ACCESS_KEY_ID": "AKIAZT7KZQ57DI64QX2B", `+
				`"AWS_SECRET_ACCESS_KEY": "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", "DYNAMODB_TABLE": "hr-users"}}`)
		case r.URL.Path == "/prod/help/settings":
			io.WriteString(w, `{"help": "Set DEBUG and ENV in the console; AWS_DEFAULT_REGION picks the region."}`)
		default:
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, `{"message":"Missing Authentication Token"}`)
		}
	})
}

func TestConfigDumpFoundByDiscovery(t *testing.T) {
	found := []surface.Endpoint{
		{Method: http.MethodGet, Path: "/prod/debug/env", Source: surface.SourceProbe},
		{Method: http.MethodGet, Path: "/prod/help/settings", Source: surface.SourceProbe},
	}
	for _, leaky := range []bool{true, false} {
		srv := httptest.NewServer(gateway(leaky))
		env := checktest.New(t, srv.URL+"/prod", checktest.Options{Endpoints: found})
		var dumps []finding.Finding
		for _, f := range env.RunAll(t, New()) {
			if f.Subject == "config-endpoint" {
				dumps = append(dumps, f)
			}
		}
		srv.Close()
		if !leaky {
			if len(dumps) != 0 {
				t.Errorf("no dump deployed: want no finding, got %+v", dumps)
			}
			continue
		}
		if len(dumps) != 1 {
			t.Fatalf("want one config dump at /prod/debug/env, got %+v", dumps)
		}
		f := dumps[0]
		if f.Path != "/prod/debug/env" || f.Severity != finding.Critical || !slices.Contains(f.CWE, "CWE-215") {
			t.Errorf("dump finding %s [%v] %v, want /prod/debug/env critical CWE-215", f.Path, f.Severity, f.CWE)
		}
		if strings.Contains(f.Evidence.Excerpt, "fL4vwFImSgiMqe8fz7dY") {
			t.Errorf("excerpt leaks the secret key: %s", f.Evidence.Excerpt)
		}
	}
	// The conventional routes are asked under the stage too.
	srv := httptest.NewServer(gateway(false))
	defer srv.Close()
	env := checktest.New(t, srv.URL+"/prod", checktest.Options{})
	env.RunAll(t, New())
	asked := false
	for _, ex := range env.Exchanges() {
		asked = asked || strings.HasSuffix(ex.URL, "/prod/debug/config")
	}
	if !asked {
		t.Error("/prod/debug/config was not asked")
	}
}
