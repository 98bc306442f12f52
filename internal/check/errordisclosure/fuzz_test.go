package errordisclosure

import (
	"net/http"
	"testing"

	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/transport"
)

// FuzzInspect runs the error-disclosure matchers (stack traces, SQL and
// DynamoDB errors, framework error pages) over hostile error answers and
// reports what they match.
func FuzzInspect(f *testing.F) {
	f.Add([]byte("Traceback (most recent call last):\n  File \"/srv/app.py\", line 3, in x\nKeyError: 'id'"), "text/html")
	f.Add([]byte(`{"__type":"com.amazonaws.dynamodb.v20120810#ValidationException","message":"One or more parameter values were invalid"}`), "application/x-amz-json-1.0")
	f.Add([]byte(`psycopg2.errors.SyntaxError: syntax error at or near "'" LINE 1: SELECT * FROM users WHERE id = '1''`), "text/plain")
	f.Add([]byte("<title>Werkzeug Debugger</title> __debugger__ SECRET = \"abcdefgh12345678\""), "text/html")
	c := New()
	ep := surface.Endpoint{Method: http.MethodGet, Path: "/users/{id}"}
	f.Fuzz(func(t *testing.T, body []byte, ct string) {
		resp := &transport.Response{Status: http.StatusInternalServerError, Body: body, Header: http.Header{"Content-Type": {ct}}, URL: "http://127.0.0.1:5000/users/'"}
		h, ok := c.inspect(resp)
		if !ok {
			return
		}
		h.method, h.point, h.trigger = http.MethodGet, "path", "'"
		_ = c.report(ep, transport.Anonymous(), []hit{h})
	})
}
