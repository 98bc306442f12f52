// Package errordisclosure sends a few safe malformed inputs to every
// parameter of an endpoint and reports error responses that carry
// tracebacks, botocore/DynamoDB errors, table ARNs, server paths, SQL or
// template errors.
package errordisclosure

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/pathshape"
	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/transport"
)

// Check is the error-disclosure check.
type Check struct{}

var _ check.Check = (*Check)(nil)

// New returns the check.
func New() *Check { return &Check{} }

// Meta describes the check.
func (*Check) Meta() check.Meta {
	return check.Meta{
		ID:          "error-disclosure",
		Title:       "Error responses disclose internals",
		Severity:    finding.Medium,
		CWE:         []string{"CWE-209", "CWE-200"},
		OWASP:       "API8:2023",
		Description: "Malformed input makes the API answer with a stack trace, a botocore/DynamoDB error, table names or server paths. Attackers use these to map the code, the data store and the next input to try.",
		Remediation: remediation[""],
	}
}

const handlerPython = "```python\nimport uuid\nfrom werkzeug.exceptions import HTTPException\n\n@app.errorhandler(Exception)\ndef handle_error(e):\n    if isinstance(e, HTTPException):\n        return {\"error\": e.name}, e.code\n    error_id = uuid.uuid4().hex\n    app.logger.exception(\"unhandled error %s\", error_id)\n    return {\"error\": \"internal error\", \"error_id\": error_id}, 500\n```\n\nNever return `str(e)` or `traceback.format_exc()`, and run with `debug=False`."

// remediation is chosen by the stack the error bodies show (detect.Stack):
// advice about botocore only where botocore answered.
var remediation = map[string]string{
	"dynamodb": "Validate input before it reaches boto3, catch `botocore.exceptions.ClientError`, and return a generic body while logging the details under an error id:\n\n" + handlerPython,
	"sql":      "Validate input and pass it to the database only as bound parameters (`cursor.execute(\"SELECT … WHERE id = ?\", (item_id,))`), never by string formatting; catch the driver's errors and return a generic body while logging the details under an error id:\n\n" + handlerPython,
	"mongodb":  "Validate input (types, ObjectId format) before it reaches the driver, never pass request objects as query documents, catch the driver's errors and return a generic body while logging the details under an error id.",
	"python":   "Validate input, catch the exceptions your handlers raise and return a generic body while logging the details under an error id:\n\n" + handlerPython,
	"":         "Install one error handler that returns a generic body (status and an error id) and logs the details on the server; turn off debug or development error pages in production (Flask `debug=False`, Express `NODE_ENV=production`, Spring `server.error.include-stacktrace=never`).",
}

// probe is one malformed value and why it is sent.
type probe struct {
	value, why string
}

// probes are safe: they read, never write, and stay small except the one
// value longer than DynamoDB's 2,048-byte partition key limit.
var probes = []probe{
	{"abc", "wrong type (text for a number)"},
	{"[]", "array instead of a scalar"},
	{"{}", "object instead of a scalar"},
	{strings.Repeat("A", 3000), "3,000 characters (over DynamoDB's 2,048-byte key limit)"},
	{"\u00fc\u2603'\"<%", "unicode and quoting characters"},
	{"-1", "negative number"},
	{"999999999999", "nonexistent id"},
	{"", "empty value"},
}

// maxPoints bounds the parameters probed per endpoint; maxHits stops probing
// an endpoint once its errors are proven.
const (
	maxPoints = 4
	maxHits   = 2
)

// point is one place a value can be injected.
type point struct {
	name  string
	in    string // path or query
	build func(v string) (string, bool)
}

func points(ep surface.Endpoint) []point {
	var out []point
	if ep.IsTemplate() || len(ep.Params) > 0 {
		for _, p := range ep.Params {
			if p.In != "path" && p.In != "query" {
				continue
			}
			name := p.Name
			out = append(out, point{name: name, in: p.In, build: func(v string) (string, bool) {
				return ep.With(map[string]string{name: v})
			}})
		}
		// Template variables without a declared parameter.
		for _, m := range regexp.MustCompile(`\{([^{}/]+)\}`).FindAllStringSubmatch(ep.Path, -1) {
			if _, ok := ep.Param("path", m[1]); ok {
				continue
			}
			name := m[1]
			out = append(out, point{name: name, in: "path", build: func(v string) (string, bool) {
				return ep.With(map[string]string{name: v})
			}})
		}
	} else {
		u, err := url.Parse(ep.Path)
		if err != nil {
			return nil
		}
		segs := strings.Split(u.EscapedPath(), "/")
		for i := len(segs) - 1; i >= 0; i-- {
			seg, err := url.PathUnescape(segs[i])
			if err != nil || !pathshape.IsID(seg) {
				continue
			}
			i := i
			out = append(out, point{name: fmt.Sprintf("path segment %d", i), in: "path", build: func(v string) (string, bool) {
				if v == "" {
					return "", false
				}
				s := append([]string(nil), segs...)
				s[i] = url.PathEscape(v)
				p := strings.Join(s, "/")
				if u.RawQuery != "" {
					p += "?" + u.RawQuery
				}
				return p, true
			}})
		}
		q := u.Query()
		keys := make([]string, 0, len(q))
		for k := range q {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			k := k
			out = append(out, point{name: k, in: "query", build: func(v string) (string, bool) {
				q2 := u.Query()
				q2.Set(k, v)
				return u.EscapedPath() + "?" + q2.Encode(), true
			}})
		}
	}
	if len(out) > maxPoints {
		out = out[:maxPoints]
	}
	return out
}

type hit struct {
	resp    *transport.Response
	method  string
	point   string
	trigger string
	value   string
	arts    []detect.Match
	leaked  []detect.Match
}

// Run probes each parameter of ep with the malformed values.
func (c *Check) Run(ctx context.Context, ep surface.Endpoint, env check.Env) ([]finding.Finding, error) {
	if sameShapeProbed(ep, env) {
		return nil, nil
	}
	id := identity(env)
	var hits []hit
	if ep.Method == http.MethodGet {
		for _, pt := range points(ep) {
			for _, pr := range probes {
				if len(hits) >= maxHits || ctx.Err() != nil {
					break
				}
				if pr.value == "" && pt.in == "path" {
					continue // an empty segment is another route, not a bad value
				}
				p, ok := pt.build(pr.value)
				if !ok {
					continue
				}
				resp, err := env.Do(ctx, transport.Request{Path: p}, id)
				if err != nil {
					continue
				}
				if h, ok := c.inspect(resp); ok {
					h.method, h.point, h.trigger, h.value = http.MethodGet, pt.in+" parameter "+pt.name, pr.why, pr.value
					hits = append(hits, h)
					break // this parameter is proven; try the next one
				}
			}
		}
	} else if env.AllowWrite() && bodyMethod(ep.Method) {
		p, ok := ep.Concrete()
		if ok {
			for _, body := range []string{`{"leakhound": `, `[]`} {
				resp, err := env.Do(ctx, transport.Request{Method: ep.Method, Path: p, Body: []byte(body), Header: http.Header{"Content-Type": {"application/json"}}}, id)
				if err != nil {
					continue
				}
				if h, ok := c.inspect(resp); ok {
					h.method, h.point, h.trigger, h.value = ep.Method, "JSON body", "malformed JSON body", body
					hits = append(hits, h)
					break
				}
			}
		}
	}
	if len(hits) == 0 {
		return nil, nil
	}
	return []finding.Finding{c.report(ep, id, hits)}, ctx.Err()
}

// bodyMethod reports whether a malformed-body probe may go to an operation
// of this method: POST, PUT and PATCH carry bodies; a DELETE is never sent
// one (a server that ignores the broken body deletes the object).
func bodyMethod(m string) bool {
	switch strings.ToUpper(m) {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
		return true
	}
	return false
}

// sameShapeProbed reports whether another concrete endpoint of the same
// shape (/api/items/5001 and /api/items/5002) sorts first: only that one is
// probed, so a list of harvested ids costs one set of probes.
func sameShapeProbed(ep surface.Endpoint, env check.Env) bool {
	if ep.IsTemplate() || len(ep.Params) > 0 {
		return false
	}
	shape := pathshape.Of(ep.Path)
	for _, o := range env.Endpoints() {
		if o.Method == ep.Method && o.Path < ep.Path && !o.IsTemplate() && len(o.Params) == 0 && pathshape.Of(o.Path) == shape {
			return true
		}
	}
	return false
}

// identity picks the first user identity (errors behind a login are the
// interesting ones), else anonymous.
func identity(env check.Env) transport.Identity {
	ids := env.Identities()
	for _, id := range ids {
		if !id.IsAnonymous() {
			return id
		}
	}
	return transport.Anonymous()
}

func (c *Check) inspect(resp *transport.Response) (hit, bool) {
	ms := detect.Find(resp.Body, resp.ContentType())
	arts := detect.Only(ms, detect.Artefact)
	// A debugger page alone is debug-mode's finding; here we need the error.
	var keep []detect.Match
	for _, a := range arts {
		switch a.Type {
		case detect.TypeDebugger, detect.TypeDebugSecret, detect.TypeDynamoWire:
			// debug-mode and raw-datastore-response report these.
		default:
			keep = append(keep, a)
		}
	}
	if len(keep) == 0 {
		return hit{}, false
	}
	var leaked []detect.Match
	for _, m := range ms {
		// The debugger's own secret is debug-mode's finding.
		if m.Category == detect.Secret || m.Category == detect.PII {
			leaked = append(leaked, m)
		}
	}
	return hit{resp: resp, arts: keep, leaked: leaked}, true
}

func (c *Check) report(ep surface.Endpoint, id transport.Identity, hits []hit) finding.Finding {
	h := hits[0]
	f := check.New(c.Meta(), ep, h.resp, id)
	f.Method = h.method
	if h.point == "JSON body" {
		// The reproduction sends the body that broke the handler.
		f.Reproduce = transport.Curl(h.method, h.resp.URL, id, http.Header{"Content-Type": {"application/json"}}, []byte(h.value))
	}
	types := detect.Types(h.arts)
	f.Title = "Error response discloses " + strings.ReplaceAll(detect.JoinTypes(types), "_", " ")
	f.Remediation = remediation[detect.Stack(types...)]
	// One error handler answers for every endpoint: the same artefacts on
	// many endpoints are one weakness, listed with its instances.
	f.Path, f.Subject = "/", "handler:"+rootCause(types)
	for _, o := range hits[1:] {
		if detect.Serious(o.leaked) {
			h = o
		}
	}
	if detect.Serious(h.leaked) {
		f.Severity = finding.High
		f.Description += " The error body also carries personal data or secrets."
	}
	var values []finding.Value
	for _, m := range h.leaked {
		values = append(values, m.Value())
	}
	for _, a := range h.arts {
		if a.Type == detect.TypeDynamoARN {
			values = append(values, a.Value())
		}
	}
	shown := h.value
	if len(shown) > 40 {
		shown = shown[:12] + fmt.Sprintf("…(%d characters)", len(h.value))
	}
	req := check.RequestLine(h.method, h.resp.URL)
	if len(h.value) > 40 {
		req = strings.Replace(req, url.QueryEscape(h.value), shown, 1)
		req = strings.Replace(req, url.PathEscape(h.value), shown, 1)
	}
	f.Evidence = finding.NewEvidence(req, h.resp.Status, excerpt(h.resp.Body, h.resp.ContentType(), h.arts), values)
	f.Evidence.Details = map[string]string{
		"trigger":   h.trigger,
		"parameter": h.point,
		"value":     shown,
		"artefacts": detect.JoinTypes(types),
		"endpoint":  ep.Path,
	}
	for _, a := range h.arts {
		if a.Type == detect.TypeDynamoARN {
			if i := strings.LastIndex(a.Value().Raw(), "table/"); i >= 0 {
				f.Evidence.Details["table"] = a.Value().Raw()[i+len("table/"):]
			}
		}
		if a.Type == detect.TypeBotocoreError {
			f.Evidence.Details["botocore"] = detect.MaskText(strings.TrimSpace(a.Value().Raw()))
		}
	}
	if len(hits) > 1 {
		f.Evidence.Details["parameters_affected"] = fmt.Sprint(len(hits))
	}
	return f
}

// excerpt cuts the body around the first artefact.
func excerpt(body []byte, contentType string, arts []detect.Match) string {
	at := len(body)
	for _, a := range arts {
		if a.Start < at {
			at = a.Start
		}
	}
	if at == len(body) {
		at = 0
	}
	return detect.Excerpt(body, contentType, at-120, at+480)
}

// rootCause names the error handler behind a set of artefacts: the stack
// (dynamodb, sql…) and the kind of trace it prints. Errors of one handler
// on many endpoints share it, whatever details vary between them.
func rootCause(types []detect.Type) string {
	parts := []string{detect.Stack(types...)}
	for _, t := range types {
		switch t {
		case detect.TypeTraceback, detect.TypeJavaStack, detect.TypeNodeStack, detect.TypeGoStack, detect.TypeFlaskError, detect.TypeTemplateError:
			parts = append(parts, string(t))
		}
	}
	if len(parts) == 1 {
		parts = append(parts, "message")
	}
	if parts[0] == "" {
		parts[0] = "generic"
	}
	return strings.Join(parts, ",")
}
