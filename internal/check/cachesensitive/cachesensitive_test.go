package cachesensitive

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/leakhound/leakhound/internal/check/checktest"
	"github.com/leakhound/leakhound/internal/surface"
)

func TestCacheableSensitive(t *testing.T) {
	for _, tc := range []struct {
		name, cacheControl, body string
		want                     bool
	}{
		{"PII without cache headers", "", `{"email":"alice.moreau@proton.me","phone":"+1 415-555-0132"}`, true},
		{"PII cacheable publicly", "public, max-age=3600", `{"ssn":"412-67-3385"}`, true},
		{"credentials with private only", "private, max-age=60", `{"api_key":"sk_9f8e7d6c5b4a3"}`, true},
		{"PII with no-store", "no-store", `{"email":"alice.moreau@proton.me"}`, false},
		{"no PII", "", `{"status":"ok","items":3}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.cacheControl != "" {
					w.Header().Set("Cache-Control", tc.cacheControl)
				}
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			env := checktest.New(t, srv.URL, checktest.Options{Endpoints: []surface.Endpoint{{Method: http.MethodGet, Path: "/api/me"}}})
			env.Baseline(t)
			fs := env.Inspect(New())
			if (len(fs) > 0) != tc.want {
				t.Fatalf("findings %+v, want fired=%v", fs, tc.want)
			}
			for _, f := range fs {
				for _, v := range f.Evidence.Values {
					if v.Masked == v.Raw() {
						t.Errorf("value %s unmasked", v.Type)
					}
				}
			}
		})
	}
}
