// Package debugmode finds Flask and Werkzeug debug features left on: the
// Werkzeug interactive debugger and its /console, configuration dump
// endpoints, Flask-DebugToolbar, X-Debug headers and the development server.
package debugmode

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/transport"
)

// Check is the debug-mode check: active once per site (console, debugger
// resources, config endpoints) and passive on every response (debugger
// pages, toolbar, headers).
type Check struct {
}

var (
	_ check.Check    = (*Check)(nil)
	_ check.SiteWide = (*Check)(nil)
	_ check.Passive  = (*Check)(nil)
)

// New returns the check.
func New() *Check { return &Check{} }

// SiteWide makes the engine run the active part once.
func (*Check) SiteWide() bool { return true }

const remediation = "Never run the debugger outside your workstation: start Flask with `debug=False` (`FLASK_DEBUG=0`), serve it with gunicorn, not `app.run()`, and remove debug routes:\n\n```python\napp = Flask(__name__)\napp.config[\"DEBUG\"] = False  # no Werkzeug debugger, no /console\n# gunicorn -w 4 'app:app'\n```\n\nDelete endpoints that return `app.config` or `os.environ`, and do not install Flask-DebugToolbar in production (`DEBUG_TB_ENABLED = False`)."

// Meta describes the check.
func (*Check) Meta() check.Meta {
	return check.Meta{
		ID:          "debug-mode",
		Title:       "Debug mode or debug endpoint exposed",
		Severity:    finding.High,
		CWE:         []string{"CWE-215", "CWE-489"},
		OWASP:       "API8:2023",
		Description: "Debug features are reachable: the Werkzeug debugger runs Python code for whoever reaches its console or cracks its PIN, and configuration dumps hand out SECRET_KEY and cloud credentials.",
		Remediation: remediation,
	}
}

var (
	consoleMarkers  = regexp.MustCompile(`CONSOLE_MODE\s*=\s*true|<title>Console // Werkzeug Debugger</title>|class="console"`)
	debuggerMarkers = regexp.MustCompile(`The debugger caught an exception in your WSGI application|<!-- Werkzeug Debugger|// Werkzeug Debugger</title>|\bEVALEX\s*=\s*(?:true|false)`)
	// assignedConfigKeys are configKeys given a value.
	assignedConfigKeys = regexp.MustCompile(configKeys.String() + `["']?\s*[:=]`)
	debuggerSecret     = regexp.MustCompile(`SECRET\s*=\s*"([A-Za-z0-9]{8,64})"`)
	toolbarMarkers     = regexp.MustCompile(`id="flDebug"|flDebugToolbar|_debug_toolbar/static`)
	configKeys         = regexp.MustCompile(`\b(SECRET_KEY|DEBUG|TESTING|ENV|SESSION_COOKIE_NAME|SESSION_COOKIE_SECURE|PERMANENT_SESSION_LIFETIME|PREFERRED_URL_SCHEME|APPLICATION_ROOT|JSONIFY_PRETTYPRINT_REGULAR|SQLALCHEMY_DATABASE_URI|JWT_SECRET_KEY|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_DEFAULT_REGION|DYNAMODB_TABLE|DYNAMODB_ENDPOINT|MAX_CONTENT_LENGTH|SERVER_NAME)\b`)
)

// configPaths are conventional debug/config dump routes.
var configPaths = []string{
	"/config", "/debug", "/debug/config", "/env", "/settings",
	"/api/config", "/api/debug", "/api/debug/config", "/api/env", "/api/settings",
	"/admin/config", "/_debug", "/__debug__",
}

// Run probes the console, the debugger's resource handler and config routes.
func (c *Check) Run(ctx context.Context, ep surface.Endpoint, env check.Env) ([]finding.Finding, error) {
	var out []finding.Finding
	anon := transport.Anonymous()
	root := surface.Endpoint{Method: http.MethodGet, Path: "/"}

	if resp, err := env.Do(ctx, transport.Request{Path: "/console"}, anon); err == nil && resp.Status == http.StatusOK && consoleMarkers.Match(resp.Body) {
		f := check.New(c.Meta(), surface.Endpoint{Method: http.MethodGet, Path: "/console"}, resp, anon)
		f.Severity = finding.Critical
		f.Title = "Werkzeug interactive console reachable at /console"
		f.Description = "The Werkzeug debugger console is served to anyone: it runs arbitrary Python in the server process (remote code execution), guarded at best by a PIN that can be derived from host details."
		f.Subject = "console"
		f.CWE = []string{"CWE-215", "CWE-94"}
		pin := "unknown"
		if strings.Contains(string(resp.Body), "EVALEX_TRUSTED = false") || strings.Contains(string(resp.Body), "pin-prompt") {
			pin = "PIN prompt shown"
		} else if strings.Contains(string(resp.Body), "EVALEX_TRUSTED = true") {
			pin = "no PIN (trusted)"
		}
		f.Evidence = c.evidence(resp, consoleMarkers.FindString(string(resp.Body)))
		f.Evidence.Details["pin"] = pin
		out = append(out, f)
	}
	if ctx.Err() != nil {
		return out, ctx.Err()
	}
	const res = "/?__debugger__=yes&cmd=resource&f=debugger.js"
	if resp, err := env.Do(ctx, transport.Request{Path: res}, anon); err == nil && resp.Status == http.StatusOK && isDebuggerJS(resp) {
		f := check.New(c.Meta(), root, resp, anon)
		f.Title = "Werkzeug debugger enabled (debugger resources served)"
		f.Description = "The Werkzeug debugger middleware answers `?__debugger__=yes`: every unhandled error becomes an interactive traceback with a Python console per frame, protected only by the debugger PIN."
		f.Subject = "werkzeug-debugger"
		f.Evidence = finding.NewEvidence(check.RequestLine(http.MethodGet, resp.URL), resp.Status, firstLine(resp.Body), nil)
		f.Evidence.Details = map[string]string{"content_type": resp.Header.Get("Content-Type")}
		out = append(out, f)
	}
	conventional, found := c.dumpCandidates(env)
	for _, p := range append(slices.Clone(conventional), found...) {
		if ctx.Err() != nil {
			break
		}
		for _, id := range identities(env) {
			resp, err := env.Do(ctx, transport.Request{Path: p}, id)
			if err != nil || resp.Status != http.StatusOK {
				continue
			}
			if f, ok := c.configDump(p, resp, id, !slices.Contains(conventional, p)); ok {
				out = append(out, f)
				break
			}
		}
	}
	return out, ctx.Err()
}

// dumpCandidates returns the conventional config routes at the root and,
// when the target has a path (an API Gateway stage, /prod), under it too;
// then the routes discovery found by probing or in answers (an undocumented
// /prod/debug/env): a dump is judged by what it holds (configDump), not by
// its name.
func (c *Check) dumpCandidates(env check.Env) (conventional, found []string) {
	conventional = slices.Clone(configPaths)
	if base := strings.TrimRight(env.Target().Path, "/"); base != "" {
		for _, p := range configPaths {
			conventional = append(conventional, base+p)
		}
	}
	for _, ep := range env.Endpoints() {
		if ep.Method != http.MethodGet || (ep.Source != surface.SourceProbe && ep.Source != surface.SourceHarvest) {
			continue
		}
		if p, ok := ep.Concrete(); ok && !slices.Contains(conventional, p) && !slices.Contains(found, p) {
			found = append(found, p)
		}
	}
	return conventional, found
}

// identities returns anonymous and, at most, the first user identity.
func identities(env check.Env) []transport.Identity {
	out := []transport.Identity{transport.Anonymous()}
	for _, id := range env.Identities() {
		if !id.IsAnonymous() {
			return append(out, id)
		}
	}
	return out
}

func isDebuggerJS(resp *transport.Response) bool {
	ct := resp.ContentType()
	b := string(resp.Body)
	return (strings.Contains(ct, "javascript") || strings.HasPrefix(strings.TrimSpace(b), "docReady") || strings.Contains(b, "function")) &&
		strings.Contains(b, "__debugger__")
}

func firstLine(b []byte) string {
	s := string(b)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 160 {
		s = s[:160]
	}
	return s
}

// configDump verifies that a response really lists configuration. strict
// (a route found by discovery rather than a conventional config route)
// counts only keys given a value (KEY=…, "KEY": …, 'KEY': …): a page that
// merely names settings is no dump.
func (c *Check) configDump(p string, resp *transport.Response, id transport.Identity, strict bool) (finding.Finding, bool) {
	keys := map[string]bool{}
	re := configKeys
	if strict {
		re = assignedConfigKeys
	}
	for _, m := range re.FindAllStringSubmatch(string(resp.Body), 200) {
		keys[m[1]] = true
	}
	if len(keys) < 2 {
		return finding.Finding{}, false
	}
	ms := detect.Find(resp.Body, resp.ContentType())
	secrets := detect.Only(ms, detect.Secret)
	f := check.New(c.Meta(), surface.Endpoint{Method: http.MethodGet, Path: p}, resp, id)
	f.Title = "Configuration dump endpoint exposed"
	f.Description = "An endpoint returns the application's configuration."
	f.Subject = "config-endpoint"
	f.CWE = []string{"CWE-215", "CWE-200"}
	if len(secrets) > 0 {
		f.Severity = finding.Critical
		f.CWE = []string{"CWE-215", "CWE-522", "CWE-798"}
		f.Description += " It includes secrets (SECRET_KEY, cloud or database credentials): anyone can forge sessions and reach the data store."
	}
	var values []finding.Value
	for _, s := range secrets {
		values = append(values, s.Value())
	}
	body := detect.Excerpt(resp.Body, "", 0, 600)
	f.Evidence = finding.NewEvidence(check.RequestLine(http.MethodGet, resp.URL), resp.Status, body, values)
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	f.Evidence.Details = map[string]string{"config_keys": strings.Join(names, ", ")}
	return f, true
}

func (c *Check) evidence(resp *transport.Response, marker string) finding.Evidence {
	body := string(resp.Body)
	var values []finding.Value
	if m := debuggerSecret.FindStringSubmatch(body); m != nil {
		values = append(values, finding.NewValue("debugger_secret", "", m[1]))
	}
	at := max(0, strings.Index(body, marker))
	e := finding.NewEvidence(check.RequestLine(http.MethodGet, resp.URL), resp.Status, detect.Excerpt([]byte(body), "", at-80, at+240), values)
	e.Details = map[string]string{"marker": marker}
	return e
}

// Inspect reads every response for debugger pages, the toolbar and debug
// headers.
func (c *Check) Inspect(ex *transport.Exchange, env check.Env) []finding.Finding {
	if ex.Status == 0 {
		return nil
	}
	var out []finding.Finding
	id := check.Identity(env, ex.Identity)
	body := string(ex.Body)
	// Cheap substring prefilters first: the regular expressions cost about
	// a second per 8 MiB answer, which a hostile server sends every time.
	if !strings.Contains(body, "__debugger__") {
		// not the debugger
	} else if m := debuggerMarkers.FindString(body); m != "" {
		f := check.FromExchange(c.Meta(), ex, id)
		f.Method, f.Path, f.Subject = http.MethodGet, "/", "werkzeug-debugger"
		f.Title = "Werkzeug debugger enabled (interactive traceback served)"
		f.Description = "An error page is the Werkzeug interactive debugger: it shows source code and local variables, and offers a Python console in every frame behind a PIN."
		var values []finding.Value
		if s := debuggerSecret.FindStringSubmatch(body); s != nil {
			values = append(values, finding.NewValue("debugger_secret", "", s[1]))
		}
		at := max(0, strings.Index(body, m))
		f.Evidence = finding.NewEvidence(check.RequestLine(ex.Method, ex.URL), ex.Status, detect.Excerpt([]byte(body), "", at-80, at+240), values)
		f.Evidence.Details = map[string]string{"marker": m, "seen_on": ex.Template}
		out = append(out, f)
	}
	if !strings.Contains(body, "flDebug") && !strings.Contains(body, "_debug_toolbar") {
		// no toolbar
	} else if m := toolbarMarkers.FindString(body); m != "" {
		f := check.FromExchange(c.Meta(), ex, id)
		f.Method, f.Path, f.Subject = http.MethodGet, "/", "debug-toolbar"
		f.Title = "Flask-DebugToolbar enabled"
		f.Description = "Pages carry Flask-DebugToolbar, which shows configuration, request data, SQL queries and templates to every visitor."
		f.Evidence = finding.NewEvidence(check.RequestLine(ex.Method, ex.URL), ex.Status, m, nil)
		out = append(out, f)
	}
	var dbg []string
	for k := range ex.Header {
		if strings.HasPrefix(strings.ToLower(k), "x-debug") {
			dbg = append(dbg, k)
		}
	}
	if len(dbg) > 0 {
		sort.Strings(dbg)
		f := check.FromExchange(c.Meta(), ex, id)
		f.Method, f.Path, f.Subject = http.MethodGet, "/", "debug-headers"
		f.Severity = finding.Low
		f.Title = "Debug headers in responses"
		f.Description = "Responses carry X-Debug headers, a sign that a debug or profiling layer is active in this deployment."
		var lines []string
		var values []finding.Value
		for _, k := range dbg {
			v := ex.Header.Get(k)
			lines = append(lines, k+": "+v)
			if len(v) > 8 {
				values = append(values, finding.NewValue("debug_token", "", v))
			}
		}
		f.Evidence = finding.NewEvidence(check.RequestLine(ex.Method, ex.URL), ex.Status, strings.Join(lines, "\n"), values)
		out = append(out, f)
	}
	if srv := ex.Header.Get("Server"); strings.HasPrefix(srv, "Werkzeug/") && ex.Check == "baseline" {
		f := check.FromExchange(c.Meta(), ex, id)
		f.Method, f.Path, f.Subject = http.MethodGet, "/", "development-server"
		f.Severity = finding.Low
		f.Title = "Werkzeug development server serves the API"
		f.Description = "The API answers from Werkzeug's development server (`app.run()`), which is single-purpose, unhardened and usually started with debug on."
		f.Evidence = finding.NewEvidence(check.RequestLine(ex.Method, ex.URL), ex.Status, "Server: "+srv, nil)
		out = append(out, f)
	}
	return out
}
