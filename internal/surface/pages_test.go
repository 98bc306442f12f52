package surface

import (
	"net/url"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func linkKeys(ls []Link) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.Method+" "+l.Path+" "+l.Kind)
	}
	slices.Sort(out)
	return out
}

func TestHarvestHTML(t *testing.T) {
	base, _ := url.Parse("http://api.test/docs/")
	page := `<!doctype html><html><head>
<link rel="stylesheet" href="/static/app.css"><link rel="icon" href="/favicon.ico">
<link rel="service-desc" href="/openapi.json">
<script src="./init.js"></script><script src="https://cdn.example/lib.js"></script></head>
<body><a href="/api/users">users</a> <a href="orders?page=2">orders</a> <a href="https://elsewhere.test/x">out</a>
<a href="mailto:a@b.c">mail</a> <a href="#top">top</a> <a href="javascript:void(0)">js</a>
<form action="/api/search" method="get"></form><form action="/api/login" method="post"></form>
<a href="/usr/local/bin:/usr/bin:/bin">path</a></body></html>`
	got := linkKeys(HarvestHTML([]byte(page), base))
	want := []string{
		" /api/search form", " /api/users a", " /docs/init.js script", " /docs/orders?page=2 a", " /openapi.json link", " /static/app.css style",
		"POST /api/login form",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("HarvestHTML (-want +got):\n%s", diff)
	}
}

func TestHarvestScript(t *testing.T) {
	base, _ := url.Parse("http://app.test/")
	bundle := `const i="/api",c={PATH:"/usr/local/bin:/usr/bin:/bin",LOG:"/var/log/billing/app.log"};
fetch("/api/session").then(r=>r.json());
fetch("/api/auth/login",{method:"POST",body:JSON.stringify(x)});
axios.get(` + "`/api/users/${id}/orders`" + `); a().delete("/api/account/delete-all");
r.post('/api/v1/notes', d); const u="/api/v2/reports?year=2024"; const img="/static/logo.png";
const routes=[{path:"/admin",element:o},{path:"/invoices/:id",element:p}];
var h="application/json", t="/not-an-api-route";`
	got := linkKeys(HarvestScript([]byte(bundle), base))
	want := []string{
		" /admin page", " /api/session call", " /api/users/{user_id}/orders call", " /api/v2/reports?year=2024 literal", " /invoices/{id} page",
		"DELETE /api/account/delete-all call", "POST /api/auth/login call", "POST /api/v1/notes call",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("HarvestScript (-want +got):\n%s", diff)
	}
}

func TestIsFileSystemPath(t *testing.T) {
	for s, want := range map[string]bool{
		"/usr/local/bin:/usr/bin:/bin":   true,
		"/var/log/storefront/server.log": true,
		"/home/node":                     true,
		"/srv/app/main.py":               true,
		"C:\\Windows\\System32":          true,
		"/api/users":                     false,
		"/api/v1/logs":                   false,
		"/files/report.pdf":              false,
		"https://api.test/var/x":         false,
		"/etc":                           true,
		"/api/users?sort=name:asc":       false,
	} {
		if got := IsFileSystemPath(s); got != want {
			t.Errorf("IsFileSystemPath(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestHarvestLinksSkipsFileSystemPaths: values that are paths on the
// server's disk are never taken for links (they were requested as URLs).
func TestHarvestLinksSkipsFileSystemPaths(t *testing.T) {
	base, _ := url.Parse("http://api.test/")
	body := `{"env": {"PATH": "/usr/local/bin:/usr/bin:/bin", "LOG_FILE": "/var/log/app/server.log", "HOME": "/home/node"}, "self": "/api/v1/info"}`
	if got := HarvestLinks([]byte(body), base); !slices.Equal(got, []string{"/api/v1/info"}) {
		t.Errorf("HarvestLinks = %v, want only /api/v1/info", got)
	}
}

func TestSniffAndDescription(t *testing.T) {
	for _, c := range []struct {
		ct, body, want string
	}{
		{"text/html", "<p>x</p>", "html"},
		{"", "<!DOCTYPE html><html>", "html"},
		{"", "openapi: 3.0.0\ninfo: {}", "yaml"},
		{"application/javascript", "var x", "script"},
		{"", "window.onload = function() {}", "script"},
		{"", `{"a": 1}`, "json"},
		{"text/plain", "hello", ""},
	} {
		if got := Sniff(c.ct, []byte(c.body)); got != c.want {
			t.Errorf("Sniff(%q, %q) = %q, want %q", c.ct, c.body, got, c.want)
		}
	}
	if !IsDescription([]byte(`{"components": {}, "openapi": "3.1.0", "paths": {}}`)) || IsDescription([]byte(`{"openapi": "yes", "name": "x"}`)) {
		t.Error("IsDescription")
	}
}
