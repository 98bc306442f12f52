package openapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/leakhound/leakhound/internal/surface"
)

// Host is what a documentation page or its script says about the API
// description it shows: swagger-ui (index.html, swagger-initializer.js,
// swagger-ui-express's swagger-ui-init.js), Redoc, RapiDoc, Stoplight
// Elements, Scalar.
type Host struct {
	// Kind is "html" or "script".
	Kind string
	// Inline is a description embedded in the page or script (swagger-ui
	// "swaggerDoc" or "spec", Redoc's __redoc_state), as JSON.
	Inline []byte
	// Links are the description URLs it names (url, urls[].url,
	// spec-url, configUrl, <link rel="service-desc">), as written.
	Links []string
	// Scripts are the page's own scripts that may hold the configuration
	// (swagger-initializer.js, swagger-ui-init.js), as written.
	Scripts []string
}

var (
	hostLink = regexp.MustCompile(`(?i)(?:["']?\b(?:url|configUrl|specUrl|swaggerUrl)["']?\s*[:=]\s*|\b(?:spec-url|apiDescriptionUrl|api-description-url|data-url)\s*=\s*|Redoc\.init\(\s*)["']([^"'<>\s]{1,300})["']`)
	// hostLinkRel is <link rel="service-desc|describedby|openapi" href>.
	hostLinkRel = regexp.MustCompile(`(?i)<link\b[^>]*\brel\s*=\s*["']?(?:service-desc|describedby|openapi|swagger)["']?[^>]*>`)
	hrefAttr    = regexp.MustCompile(`(?i)\bhref\s*=\s*["']([^"'<>\s]{1,300})["']`)
	scriptSrc   = regexp.MustCompile(`(?i)<script\b[^>]*\bsrc\s*=\s*["']([^"'<>\s]{1,300})["']`)
	// hostScript names the scripts that configure a documentation page.
	hostScript = regexp.MustCompile(`(?i)(swagger-initializer|swagger-ui-init|swagger-config|initializer|init|config|docs?|redoc|rapidoc|openapi|spec)[^/]*\.js$`)
	// vendorScript names library bundles that never hold the configuration.
	vendorScript = regexp.MustCompile(`(?i)(swagger-ui-bundle|standalone|preset|redoc\.|rapidoc-min|jquery|polyfill|vendor|react|\.min\.js$)`)
	inlineKeys   = []string{"swaggerDoc", "spec", "__redoc_state"}
)

// ReadHost reads a documentation page or script. It never fails: a page
// that names nothing gives an empty Host.
func ReadHost(data []byte) Host {
	h := Host{Kind: "script"}
	if surface.Sniff("", data) == "html" {
		h.Kind = "html"
	}
	h.Inline = inlineSpec(data)
	if h.Inline != nil {
		return h // nothing else to fetch
	}
	seen := map[string]bool{}
	for _, m := range hostLinkRel.FindAll(data, 8) {
		if hm := hrefAttr.FindSubmatch(m); hm != nil && !seen[string(hm[1])] {
			seen[string(hm[1])] = true
			h.Links = append(h.Links, string(hm[1]))
		}
	}
	for _, m := range hostLink.FindAllSubmatch(data, 16) {
		l := string(m[1])
		// A url key names many things; spec-url and its kin name only this.
		lm := strings.ToLower(string(m[0]))
		named := strings.Contains(lm, "spec-url") || strings.Contains(lm, "apidescriptionurl") || strings.Contains(lm, "api-description-url") ||
			strings.Contains(lm, "data-url") || strings.Contains(lm, "redoc.init") || strings.Contains(lm, "specurl") || strings.Contains(lm, "configurl")
		if seen[l] || !looksLikeSpecLink(l, named) {
			continue
		}
		seen[l] = true
		h.Links = append(h.Links, l)
	}
	if h.Kind == "html" {
		for _, m := range scriptSrc.FindAllSubmatch(data, 32) {
			s := string(m[1])
			if !seen[s] && hostScript.MatchString(strings.SplitN(s, "?", 2)[0]) && !vendorScript.MatchString(s) {
				seen[s] = true
				h.Scripts = append(h.Scripts, s)
			}
		}
	}
	return h
}

// looksLikeSpecLink keeps URLs that may name a description and drops
// window.location tricks and page anchors; a generic url key must also
// look like a description's location.
func looksLikeSpecLink(l string, named bool) bool {
	if strings.HasPrefix(l, "#") || strings.HasPrefix(l, "javascript:") || strings.HasPrefix(l, "data:") {
		return false
	}
	return strings.ContainsAny(l, "/.") && (named || specLike.MatchString(l))
}

// specLike are the words description URLs carry (/openapi.json,
// /v3/api-docs, /static/clinic.yaml, /swagger/v1/swagger.json), unlike
// the server URLs and page links a configuration also holds.
var specLike = regexp.MustCompile(`(?i)(json|ya?ml|api-docs|openapi|swagger|spec|schema|describe)`)

// inlineSpec finds a JSON description embedded in a script: the value of
// "swaggerDoc"/"spec" (swagger-ui), or the spec.data of Redoc's
// __redoc_state. It returns nil when none is there.
func inlineSpec(data []byte) []byte {
	for _, key := range inlineKeys {
		for off := 0; off < len(data); {
			i := bytes.Index(data[off:], []byte(key))
			if i < 0 {
				break
			}
			at := off + i + len(key)
			off = at
			rest := bytes.TrimLeft(data[at:], "\"' \t\r\n")
			if len(rest) == 0 || (rest[0] != ':' && rest[0] != '=') {
				continue
			}
			rest = bytes.TrimLeft(rest[1:], " \t\r\n")
			if len(rest) == 0 || rest[0] != '{' {
				continue
			}
			var raw json.RawMessage
			if err := json.NewDecoder(bytes.NewReader(rest)).Decode(&raw); err != nil {
				continue
			}
			if key == "__redoc_state" {
				var st struct {
					Spec struct {
						Data json.RawMessage `json:"data"`
					} `json:"spec"`
				}
				if json.Unmarshal(raw, &st) == nil && isSpecJSON(st.Spec.Data) {
					return st.Spec.Data
				}
				continue
			}
			if isSpecJSON(raw) {
				return raw
			}
		}
	}
	return nil
}

func isSpecJSON(raw []byte) bool {
	var h header
	return len(raw) > 0 && json.Unmarshal(raw, &h) == nil && (h.OpenAPI != "" || h.Swagger != "")
}

// describe says in a few words what a body that is not a description is,
// for error messages: "an HTML page naming no API description".
func (h Host) describe() string {
	what := "an HTML page"
	if h.Kind == "script" {
		what = "a script"
	}
	switch {
	case len(h.Links) > 0:
		return fmt.Sprintf("%s (a documentation page) that names its API description at %s", what, strings.Join(h.Links, ", "))
	case len(h.Scripts) > 0:
		return fmt.Sprintf("%s that may configure its API description in %s", what, strings.Join(h.Scripts, ", "))
	}
	return what + " naming no API description"
}

// Accept is the Accept header of every request for an API description.
var Accept = http.Header{"Accept": {"application/json, application/yaml, text/yaml, */*;q=0.5"}}
