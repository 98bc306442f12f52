package exposedfile

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/check/checktest"
	"github.com/leakhound/leakhound/internal/finding"
)

var files = map[string]string{
	"/static/.env":        "FLASK_APP=app.py\nSECRET_KEY=changeme\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
	"/static/app.py":      "from flask import Flask\n\napp = Flask(__name__, static_folder='.')\n\n@app.get('/')\ndef index():\n    return 'ok'\n",
	"/logs/app.log":       "2026-11-20 09:14:02 INFO GET /api/patients/1001 200\n2026-11-20 09:14:02 DEBUG item={'email': 'alice.moreau@proton.me', 'ssn': '412-67-3385'}\n",
	"/.git/HEAD":          "ref: refs/heads/main\n",
	"/requirements.txt":   "Flask==2.2.2\nboto3>=1.26\n",
	"/.DS_Store":          "\x00\x00\x00\x01Bud1\x00\x00\x10\x00",
	"/docker-compose.yml": "services:\n  api:\n    build: .\n",
}

func TestExposedFiles(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if body, ok := files[r.URL.Path]; ok {
			fmt.Fprint(w, body)
			return
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()
	env := checktest.New(t, srv.URL, checktest.Options{})
	fs := env.RunAll(t, New())
	got := map[string]finding.Finding{}
	for _, f := range fs {
		got[f.Path] = f
	}
	want := map[string]finding.Severity{
		"/static/.env": finding.Critical, "/static/app.py": finding.Medium, "/logs/app.log": finding.High,
		"/.git/HEAD": finding.Medium, "/requirements.txt": finding.Low, "/.DS_Store": finding.Low, "/docker-compose.yml": finding.Low,
	}
	for p, sev := range want {
		f, ok := got[p]
		if !ok {
			t.Errorf("%s not reported", p)
			continue
		}
		if f.Severity != sev {
			t.Errorf("%s severity = %s, want %s", p, f.Severity, sev)
		}
	}
	if len(fs) != len(want) {
		t.Errorf("%d findings, want %d", len(fs), len(want))
	}
	for _, f := range fs {
		for _, raw := range []string{"changeme", "wJalrXUtnFEMI", "alice.moreau@proton.me", "412-67-3385"} {
			if strings.Contains(f.Evidence.Excerpt, raw) {
				t.Errorf("%s excerpt leaks %q: %s", f.Path, raw, f.Evidence.Excerpt)
			}
		}
	}
	if got["/logs/app.log"].CWE[0] != "CWE-532" || got["/static/app.py"].CWE[0] != "CWE-540" {
		t.Errorf("CWEs: log %v, source %v", got["/logs/app.log"].CWE, got["/static/app.py"].CWE)
	}
	if n := env.Sent(); n > len(rootFiles)+len(staticFiles)+4 {
		t.Errorf("sent %d requests", n)
	}
}

// Sites that answer 200 to everything must not produce findings.
func TestSoft404(t *testing.T) {
	for name, h := range map[string]http.HandlerFunc{
		"spa index": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "<!doctype html><html><body><div id=app></div></body></html>")
		},
		"echoing 200": func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, "No page at %s. Try the index.\n", r.URL.Path)
		},
		"catch-all that looks like code": func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, "import os\nfrom x import y\nA = 1\nB=2\nref: refs/heads/main\n2026-01-01 10:00 INFO a\n2026-01-01 10:00 INFO b\n")
		},
		"json 404 with status 200": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"error":"not found","path":%q,"hint":"see docs","code":404}`, r.URL.Path)
		},
		"fixed api": func(w http.ResponseWriter, r *http.Request) {
			http.NotFound(w, r)
		},
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(h)
			defer srv.Close()
			env := checktest.New(t, srv.URL, checktest.Options{})
			if fs := env.RunAll(t, New()); len(fs) != 0 {
				for _, f := range fs {
					t.Errorf("false positive %s: %s", f.Path, f.Title)
				}
			}
		})
	}
}
