package surface

import (
	"bytes"
	"encoding/json"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strings"

	"golang.org/x/net/html"
)

// Link is a same-origin path found in an answer, with the method it is
// called with when the answer says so (a form's method, an axios .post).
type Link struct {
	// Path is the path and query, possibly a template (/users/{id}).
	Path string
	// Method is the HTTP method named with the link; "" means a GET link.
	Method string
	// Kind says where it was found: "a", "form", "link", "script" (a script
	// src), "style" (a style sheet), "call" (a fetch/axios call in a
	// script), "literal" (a string literal of a script), "page" (a client
	// route of a single-page app: {path: "/admin"}), "json".
	Kind string
}

// Harvest returns the same-origin links of an answer by its content type:
// JSON string values, HTML a/form/link/script elements, or the routes a
// JavaScript bundle names. File-system paths and other strings that are
// not URLs are left out.
func Harvest(contentType string, body []byte, base *url.URL) []Link {
	switch Sniff(contentType, body) {
	case "json":
		var out []Link
		for _, p := range HarvestLinks(body, base) {
			out = append(out, Link{Path: p, Kind: "json"})
		}
		return out
	case "html":
		return HarvestHTML(body, base)
	case "script":
		return HarvestScript(body, base)
	}
	return nil
}

// Sniff names the kind of a body from its content type and first bytes:
// "json", "html", "script", "yaml" or "" (anything else).
func Sniff(contentType string, body []byte) string {
	ct := strings.ToLower(contentType)
	head := bytes.TrimSpace(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))
	if len(head) > 1024 {
		head = head[:1024]
	}
	lower := bytes.ToLower(head)
	switch {
	case strings.Contains(ct, "html") || bytes.HasPrefix(lower, []byte("<!doctype html")) || bytes.HasPrefix(lower, []byte("<html")) ||
		(bytes.HasPrefix(lower, []byte("<")) && (bytes.Contains(lower, []byte("<html")) || bytes.Contains(lower, []byte("<head")) || bytes.Contains(lower, []byte("<body")) || bytes.Contains(lower, []byte("<script")))):
		return "html"
	case strings.Contains(ct, "json") || bytes.HasPrefix(head, []byte("{")) || bytes.HasPrefix(head, []byte("[")):
		return "json"
	case strings.Contains(ct, "javascript") || strings.Contains(ct, "ecmascript"):
		return "script"
	case strings.Contains(ct, "yaml") || yamlSpecHead.Match(head):
		return "yaml"
	case scriptHead.Match(head):
		return "script"
	}
	return ""
}

var (
	yamlSpecHead = regexp.MustCompile(`(?m)^["']?(openapi|swagger)["']?\s*:`)
	scriptHead   = regexp.MustCompile(`^(?:"use strict"|'use strict'|\(function|!function|function\b|var\s|let\s|const\s|window\.|self\.|import\s|export\s|/\*|//)`)
)

// HarvestHTML returns the same-origin targets of a page's a href, form
// action (with the form's method), link href and script src.
func HarvestHTML(body []byte, base *url.URL) []Link {
	z := html.NewTokenizer(bytes.NewReader(body))
	seen := map[string]bool{}
	var out []Link
	add := func(raw, method, kind string) {
		p, ok := sameOriginPath(strings.TrimSpace(raw), base)
		if !ok {
			return
		}
		k := method + " " + p
		if seen[k] {
			return
		}
		seen[k] = true
		out = append(out, Link{Path: p, Method: method, Kind: kind})
	}
	for n := 0; n < 100000; n++ {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, hasAttr := z.TagName()
		if !hasAttr {
			continue
		}
		attrs := map[string]string{}
		for {
			k, v, more := z.TagAttr()
			attrs[string(k)] = string(v)
			if !more {
				break
			}
		}
		switch string(name) {
		case "a", "area":
			add(resolveRelative(attrs["href"], base), "", "a")
		case "form":
			m := strings.ToUpper(strings.TrimSpace(attrs["method"]))
			if m == "GET" {
				m = ""
			}
			add(resolveRelative(attrs["action"], base), m, "form")
		case "link":
			switch {
			case apiRel.MatchString(attrs["rel"]):
				add(resolveRelative(attrs["href"], base), "", "link")
			case strings.Contains(strings.ToLower(attrs["rel"]), "stylesheet"):
				add(resolveRelative(attrs["href"], base), "", "style")
			}
		case "script":
			add(resolveRelative(attrs["src"], base), "", "script")
		}
	}
	return out
}

// apiRel are the link relations that name API resources or descriptions
// (RFC 8288, RFC 8631), not a page's style sheets, icons or preloads.
var apiRel = regexp.MustCompile(`(?i)\b(service-desc|service-doc|describedby|alternate|api|openapi|next|prev|collection|item|related|self)\b`)

// HarvestAnswer returns the GET links of an answer worth adding to the
// surface: JSON string values, and a page's a href, GET form actions and
// API link relations; scripts and static assets are left to discovery.
func HarvestAnswer(contentType string, body []byte, base *url.URL) []string {
	if IsDescription(body) {
		return nil // its paths are templates under its servers, read by the openapi loader
	}
	var out []string
	for _, l := range Harvest(contentType, body, base) {
		if l.Method != "" || l.Kind == "script" || l.Kind == "style" || l.Kind == "call" || l.Kind == "literal" || l.Kind == "page" || IsStaticAsset(l.Path) {
			continue
		}
		out = append(out, l.Path)
	}
	return out
}

var descriptionHead = regexp.MustCompile(`(?m)^(openapi|swagger)\s*:`)

// IsDescription reports whether a body is an OpenAPI or Swagger document:
// a version field and paths at the top.
func IsDescription(body []byte) bool {
	head := body[:min(len(body), 512)]
	if descriptionHead.Match(head) {
		return true
	}
	if !bytes.HasPrefix(bytes.TrimSpace(head), []byte("{")) || (!bytes.Contains(body, []byte(`"openapi"`)) && !bytes.Contains(body, []byte(`"swagger"`))) {
		return false
	}
	var top map[string]json.RawMessage
	if json.Unmarshal(body, &top) != nil {
		return false
	}
	_, paths := top["paths"]
	_, v3 := top["openapi"]
	_, v2 := top["swagger"]
	return paths && (v3 || v2)
}

// resolveRelative makes a relative reference ("./init.js", "users")
// absolute against the page's URL, so sameOriginPath can judge it.
func resolveRelative(ref string, base *url.URL) string {
	ref = strings.TrimSpace(ref)
	if ref == "" || strings.HasPrefix(ref, "#") || strings.Contains(ref, ":") && !strings.HasPrefix(ref, "http://") && !strings.HasPrefix(ref, "https://") {
		return ""
	}
	if strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, "http://") || strings.HasPrefix(ref, "https://") {
		return ref
	}
	u, err := base.Parse(ref)
	if err != nil {
		return ""
	}
	return u.String()
}

var (
	// jsCall is a fetch or axios-style call with a literal first argument:
	// fetch("/api/x"), axios.get('/api/x'), a().post(`/api/${id}`),
	// $http.delete("/x"), request("GET", "/x") is not covered.
	jsCall = regexp.MustCompile("(?i)\\b(fetch|get|post|put|patch|delete|head|options|request)\\s*\\(\\s*([\"'`])(/[^\"'`\\s<>\\\\]{0,300}|https?://[^\"'`\\s<>\\\\]{1,300})[\"'`]")
	// jsLiteral is a string literal that starts with a slash.
	jsLiteral = regexp.MustCompile("([\"'`])(/[A-Za-z0-9_.~:${}/?=&%+,-]{1,300})[\"'`]")
	// jsVar is a template-literal placeholder (${e}, ${user.id}) or an
	// Express-style route parameter (:id).
	jsVar = regexp.MustCompile(`\$\{[^{}]{1,60}\}|:[A-Za-z_][A-Za-z0-9_]{0,40}`)
	// jsMethod is the method option of a fetch call.
	jsMethod = regexp.MustCompile(`(?i)\bmethod\s*:\s*["'](get|post|put|patch|delete|head|options)["']`)
	// jsPage is a client route of a single-page app router: {path: "/admin"}.
	jsPage     = regexp.MustCompile(`\bpath\s*:\s*["'](/[A-Za-z0-9_./:-]{0,120})["']`)
	apiSegment = regexp.MustCompile(`(?i)^/(api|rest|graphql|gql|v[0-9]{1,2}|services?|rpc|odata|backend|ajax)(/|$|\?)`)
)

// HarvestScript returns the API routes a JavaScript bundle names: the
// first argument of fetch and axios-style calls (with their method), and
// string literals that look like API routes (/api/..., /v1/..., /graphql).
// Template-literal placeholders and :params become {id}-style
// placeholders. Static assets, file-system paths and client-side pages of
// the app are left out.
func HarvestScript(body []byte, base *url.URL) []Link {
	seen := map[string]bool{}
	var out []Link
	add := func(raw, method, kind string) {
		tmpl := jsRoute(raw)
		if tmpl == "" || IsStaticAsset(tmpl) {
			return
		}
		p, ok := sameOriginPath(tmpl, base)
		if !ok {
			return
		}
		k := method + " " + p
		if seen[k] {
			return
		}
		seen[k] = true
		out = append(out, Link{Path: p, Method: method, Kind: kind})
	}
	if len(body) > 16<<20 {
		body = body[:16<<20]
	}
	for _, m := range jsCall.FindAllSubmatchIndex(body, 5000) {
		method := strings.ToUpper(string(body[m[2]:m[3]]))
		switch method {
		case "FETCH", "REQUEST":
			// fetch(url, {method: "POST"}): the method follows the URL.
			method = ""
			rest := body[m[1]:min(len(body), m[1]+300)]
			if i := bytes.Index(rest, []byte("fetch(")); i >= 0 {
				rest = rest[:i]
			}
			if mm := jsMethod.FindSubmatch(rest); mm != nil {
				method = strings.ToUpper(string(mm[1]))
			}
		}
		if method == "GET" {
			method = ""
		}
		add(string(body[m[6]:m[7]]), method, "call")
	}
	for _, m := range jsPage.FindAllSubmatch(body, 500) {
		add(string(m[1]), "", "page")
	}
	called := map[string]bool{}
	for _, l := range out {
		called[l.Path] = true
	}
	for _, m := range jsLiteral.FindAllSubmatch(body, 20000) {
		lit := string(m[2])
		if !apiSegment.MatchString(lit) || apiSegment.FindString(lit) == lit || called[jsRoute(lit)] {
			continue // not an API route, a bare prefix, or the argument of a call seen above
		}
		add(lit, "", "literal")
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// jsRoute turns a route as written in a script into a path template:
// ${expr} and :name become {id}-style placeholders; a route whose
// placeholders stand for more than a whole segment is dropped.
func jsRoute(raw string) string {
	if raw == "" || strings.ContainsAny(raw, " \t") {
		return ""
	}
	u := raw
	if i := strings.Index(u, "://"); i >= 0 {
		rest := u[i+3:]
		j := strings.IndexByte(rest, '/')
		if j < 0 {
			return ""
		}
		u = rest[j:]
	}
	p, q, _ := strings.Cut(u, "?")
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if !jsVar.MatchString(s) {
			continue
		}
		if jsVar.FindString(s) != s {
			return "" // a placeholder inside a segment: a partial route
		}
		name := "id"
		if strings.HasPrefix(s, ":") {
			name = s[1:]
		} else if i > 0 && segs[i-1] != "" {
			name = singular(strings.ToLower(segs[i-1])) + "_id"
			name = strings.Map(func(r rune) rune {
				if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' {
					return r
				}
				return '_'
			}, name)
		}
		segs[i] = "{" + name + "}"
	}
	p = strings.Join(segs, "/")
	if strings.Contains(q, "${") {
		q = ""
	}
	if strings.Contains(p, "$") {
		return ""
	}
	if q != "" {
		return p + "?" + q
	}
	return p
}

// staticExt are the extensions of files a browser loads, not API routes.
var staticExt = map[string]bool{
	".js": true, ".mjs": true, ".css": true, ".map": true, ".png": true, ".jpg": true, ".jpeg": true, ".gif": true,
	".svg": true, ".ico": true, ".webp": true, ".woff": true, ".woff2": true, ".ttf": true, ".eot": true, ".otf": true,
	".mp4": true, ".webm": true, ".mp3": true, ".wasm": true, ".pdf": true, ".txt": false,
}

// IsStaticAsset reports whether a path names a file a browser loads
// (script, style sheet, image, font), not an API route.
func IsStaticAsset(p string) bool {
	p, _, _ = strings.Cut(p, "?")
	return staticExt[strings.ToLower(path.Ext(p))]
}

// fsRoots are the top directories of Unix file systems; a harvested value
// starting with one of them is a file path, not a route of the API.
var fsRoots = regexp.MustCompile(`^/(usr|var|etc|bin|sbin|opt|home|root|tmp|proc|sys|dev|lib|lib64|srv|mnt|run|boot|nix|private|Users|Library|Volumes|System)(/|$)`)

// fsFile are extensions of files that live on a server's disk.
var fsFile = regexp.MustCompile(`(?i)\.(log|pid|sock|py|pyc|rb|go|sh|so|conf|cfg|ini|pem|crt|db|sqlite|lock)$`)

// IsFileSystemPath reports whether a string found in a value is a
// file-system path or a path list ("/usr/local/bin:/usr/bin:/bin",
// "/var/log/app.log") rather than a URL path: such strings are never
// requested.
func IsFileSystemPath(s string) bool {
	if strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") {
		return false
	}
	p, _, _ := strings.Cut(s, "?")
	switch {
	case strings.Contains(p, ":/") || strings.HasSuffix(p, ":"),
		strings.Contains(p, "\\"),
		fsRoots.MatchString(p),
		fsFile.MatchString(p):
		return true
	}
	return false
}
