package piiinurl

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/check/checktest"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/surface"
)

func TestPIIInURL(t *testing.T) {
	for _, tc := range []struct {
		path string
		want finding.Severity // -1: silent
	}{
		{"/api/lookup?email=alice.moreau%40proton.me", finding.Medium},
		{"/api/verify?ssn=412-67-3385", finding.High},
		{"/api/export?token=8f1c0d2e9a7b6c5d", finding.High},
		{"/api/users/alice.moreau@proton.me", finding.Medium},
		{"/api/search?q=flu&page=2", -1},
		{"/api/users/1001", -1},
	} {
		t.Run(tc.path, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("{}")) }))
			defer srv.Close()
			env := checktest.New(t, srv.URL, checktest.Options{Endpoints: []surface.Endpoint{{Method: http.MethodGet, Path: tc.path}}})
			env.Baseline(t)
			fs := env.Inspect(New())
			if tc.want < 0 {
				if len(fs) != 0 {
					t.Fatalf("false positive: %+v", fs)
				}
				return
			}
			if len(fs) != 1 || fs[0].Severity != tc.want {
				t.Fatalf("findings %+v, want one %s", fs, tc.want)
			}
			f := fs[0]
			for _, raw := range []string{"alice.moreau", "412-67-3385", "8f1c0d2e9a7b6c5d"} {
				for _, s := range []string{f.URL, f.Path, f.Evidence.Request, f.Reproduce} {
					if strings.Contains(s, raw) {
						t.Errorf("%q leaks %s", s, raw)
					}
				}
			}
		})
	}
}
