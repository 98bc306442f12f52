package debugmode

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/check/checktest"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/surface"
)

const consoleHTML = `<!doctype html><html><head><title>Console // Werkzeug Debugger</title>
<script src="?__debugger__=yes&amp;cmd=resource&amp;f=debugger.js"></script>
<script>var CONSOLE_MODE = true, EVALEX = true, EVALEX_TRUSTED = false, SECRET = "Xk3fQ9pL2mZr7TbVw8Nc";</script></head>
<body><div class="console"></div></body></html>`

const tracebackHTML = `<!doctype html><html><head><title>ZeroDivisionError // Werkzeug Debugger</title>
<script src="?__debugger__=yes&amp;cmd=resource&amp;f=debugger.js"></script>
<script>var CONSOLE_MODE = false, EVALEX = true, EVALEX_TRUSTED = false, SECRET = "Xk3fQ9pL2mZr7TbVw8Nc";</script></head>
<body><h1>ZeroDivisionError</h1><!-- The debugger caught an exception in your WSGI application. --></body></html>`

func server(vulnerable bool) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if vulnerable && r.URL.Query().Get("__debugger__") == "yes" {
			w.Header().Set("Content-Type", "text/javascript")
			fmt.Fprint(w, `docReady(() => { fetch("?__debugger__=yes&cmd=pinauth"); });`)
			return
		}
		if r.URL.Path == "/" {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"name":"api"}`)
			return
		}
		http.NotFound(w, r)
	})
	if vulnerable {
		mux.HandleFunc("/console", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, consoleHTML)
		})
		mux.HandleFunc("/debug/config", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"DEBUG": true, "ENV": "production", "SECRET_KEY": "s3cr3t-key-value", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}`)
		})
		mux.HandleFunc("/boom", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Header().Set("X-Debug-Token", "a1b2c3d4e5f6")
			w.WriteHeader(500)
			fmt.Fprint(w, tracebackHTML)
		})
	} else {
		// A docs page that mentions the words must not count.
		mux.HandleFunc("/config", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			fmt.Fprint(w, "Configuration is read from the environment.")
		})
		mux.HandleFunc("/boom", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(500)
			fmt.Fprint(w, `{"error":"internal error"}`)
		})
	}
	return httptest.NewServer(mux)
}

func TestDebugMode(t *testing.T) {
	for _, vulnerable := range []bool{true, false} {
		t.Run(fmt.Sprint("vulnerable=", vulnerable), func(t *testing.T) {
			srv := server(vulnerable)
			defer srv.Close()
			env := checktest.New(t, srv.URL, checktest.Options{Endpoints: []surface.Endpoint{{Method: http.MethodGet, Path: "/boom"}}})
			env.Baseline(t)
			c := New()
			fs := append(env.RunAll(t, c), env.Inspect(c)...)
			got := checktest.Subjects(fs)
			if !vulnerable {
				if len(fs) != 0 {
					t.Fatalf("fixed server: %+v", fs)
				}
				return
			}
			want := map[string]finding.Severity{"console": finding.Critical, "werkzeug-debugger": finding.High, "config-endpoint": finding.Critical, "debug-headers": finding.Low}
			for s, sev := range want {
				f, ok := got[s]
				if !ok {
					t.Errorf("no %s finding; got %v", s, keys(got))
					continue
				}
				if f.Severity != sev {
					t.Errorf("%s severity = %s, want %s", s, f.Severity, sev)
				}
				if strings.Contains(f.Evidence.Excerpt, "Xk3fQ9pL2mZr7TbVw8Nc") || strings.Contains(f.Evidence.Excerpt, "s3cr3t-key-value") || strings.Contains(f.Evidence.Excerpt, "wJalrXUtnFEMI") {
					t.Errorf("%s excerpt leaks a secret: %s", s, f.Evidence.Excerpt)
				}
			}
			if got["console"].Evidence.Details["pin"] != "PIN prompt shown" {
				t.Errorf("pin detail = %q", got["console"].Evidence.Details["pin"])
			}
		})
	}
}

func keys(m map[string]finding.Finding) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
