package detect

import (
	"slices"
	"testing"
)

func TestSecretsHarvestsWeakKeysEverywhere(t *testing.T) {
	for _, tc := range []struct {
		name, body, ct string
		want           []string
		not            []string
	}{
		{"environment dump", `{"env":{"JWT_SECRET":"access","PATH":"/usr/bin","DEBUG":"true"}}`, "application/json", []string{"access"}, []string{"/usr/bin", "true"}},
		{".env file", "FLASK_ENV=production\nSECRET_KEY=changeme\nMAX_ITEMS=50\n", "text/plain", []string{"changeme"}, []string{"production", "50"}},
		{"JavaScript bundle", `var a=1;const jwtSecret = "dvga";fetch("/api")`, "application/javascript", []string{"dvga"}, []string{"/api"}},
		{"error page", `<pre>app.config['SECRET_KEY'] = 'random'</pre>`, "text/html", []string{"random"}, nil},
		{"status endpoint", `{"status":"ok","signing_key":"k8Zr3Lm2Np7Rt5Wx9Yb4Cd6F","token_ttl":3600}`, "application/json", []string{"k8Zr3Lm2Np7Rt5Wx9Yb4Cd6F"}, []string{"3600"}},
		{"no secrets", `{"name":"Ada","items":[1,2,3],"password_policy":"strong"}`, "application/json", nil, []string{"Ada"}},
		{"masked already", `{"api_key":"sk_l…9f2a","secret":"****"}`, "application/json", nil, []string{"sk_l…9f2a", "****"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, s := range Secrets([]byte(tc.body), tc.ct) {
				got = append(got, s.Value)
			}
			for _, w := range tc.want {
				if !slices.Contains(got, w) {
					t.Errorf("missed %q; got %q", w, got)
				}
			}
			for _, n := range tc.not {
				if slices.Contains(got, n) {
					t.Errorf("harvested %q, which is no secret; got %q", n, got)
				}
			}
		})
	}
}
