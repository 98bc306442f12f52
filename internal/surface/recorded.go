package surface

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Recorded is what a traffic recording (HAR) or a request collection
// (Postman) tells about the API: endpoints with real values, and the
// credentials it carried. Credentials are never used unless the user asks:
// the CLI turns them into identities only with an explicit flag.
type Recorded struct {
	Endpoints   []Endpoint
	Credentials []Credential
	// Skipped counts requests left out because they were for another origin
	// or unreadable.
	Skipped int
}

// Credential is one distinct set of credential headers seen in a recording.
type Credential struct {
	// Name is stable for one recording: har-1, postman-2.
	Name   string
	Header http.Header
}

// HeaderNames lists the credential header names, for display; values are
// never displayed.
func (c Credential) HeaderNames() []string {
	names := make([]string, 0, len(c.Header))
	for k := range c.Header {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

var credentialHeader = regexp.MustCompile(`(?i)^(authorization|cookie|proxy-authorization|x-[a-z0-9-]*(auth|token|key|session)[a-z0-9-]*|api-?key|[a-z0-9-]*-token)$`)

// IsCredentialHeader reports whether a request header carries credentials,
// judged by its name alone.
func IsCredentialHeader(name string) bool { return credentialHeader.MatchString(name) }

// notCredential lists request headers whose values may look random but
// never authenticate anyone.
var notCredential = regexp.MustCompile(`(?i)^(accept.*|content-.*|user-agent|host|origin|referer|if-.*|etag|cache-control|pragma|connection|traceparent|tracestate|x-request-id|x-correlation-id|x-amzn-trace-id|x-b3-.*|sec-.*|x-forwarded-.*|x-real-ip|dnt|upgrade-.*|te|priority|range)$`)

var (
	jwtShape    = regexp.MustCompile(`^(?:[A-Za-z]+ )?eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*$`)
	schemeShape = regexp.MustCompile(`(?i)^(bearer|basic|token|digest|apikey|api-key|hmac|aws4-hmac-sha256)\s+\S{8,}`)
	apiKeyShape = regexp.MustCompile(`^[A-Za-z0-9_\-.+/=:]{20,512}$`)
)

// IsCredential reports whether a request header carries credentials, by
// its name (Authorization, Cookie, X-Api-Key…) or by its value: a JWT, an
// authentication scheme with a token (Bearer …) or an API key (20 or more
// token characters mixing letters and digits) under any name, so that
// JWT_TOKEN or X-Client-Ident are recognised too.
func IsCredential(name, value string) bool {
	if IsCredentialHeader(name) {
		return true
	}
	if notCredential.MatchString(name) {
		return false
	}
	v := strings.TrimSpace(value)
	if jwtShape.MatchString(v) || schemeShape.MatchString(v) {
		return true
	}
	if !apiKeyShape.MatchString(v) {
		return false
	}
	letters, digits := false, false
	for _, r := range v {
		switch {
		case r >= '0' && r <= '9':
			digits = true
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
			letters = true
		}
	}
	return letters && digits
}

var (
	uuidSeg  = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	hexSeg   = regexp.MustCompile(`^[0-9a-fA-F]{16,}$`)
	digitSeg = regexp.MustCompile(`^[0-9]{1,19}$`)
)

// IsIDSegment reports whether a path segment looks like an object id:
// a number, a UUID or a long hex string.
func IsIDSegment(seg string) bool {
	return digitSeg.MatchString(seg) || uuidSeg.MatchString(seg) || hexSeg.MatchString(seg)
}

// Templatize turns a concrete path into a template, replacing id-like
// segments with placeholders named after the collection before them:
// /users/42/orders/7 → /users/{user_id}/orders/{order_id}, with the concrete
// values as the parameters' values.
func Templatize(path string) (string, []Param) {
	return TemplatizeKnown(path, nil)
}

// TemplatizeKnown is Templatize that also turns into placeholders the
// segments known names an id ("u_1001" seen as a patient_id), named after
// it.
func TemplatizeKnown(path string, known func(seg string) (string, bool)) (string, []Param) {
	segs := strings.Split(path, "/")
	orig := append([]string(nil), segs...)
	var params []Param
	used := map[string]int{}
	for i, seg := range segs {
		raw, err := url.PathUnescape(seg)
		if err != nil {
			raw = seg
		}
		knownName := ""
		if !IsIDSegment(raw) {
			if known == nil {
				continue
			}
			n, ok := known(raw)
			if !ok {
				continue
			}
			knownName = n
		}
		name := "id"
		if knownName != "" && knownName != "id" {
			name = knownName
		} else if i > 0 && orig[i-1] != "" && !IsIDSegment(orig[i-1]) {
			name = singular(strings.ToLower(orig[i-1])) + "_id"
			name = strings.Map(func(r rune) rune {
				if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' {
					return r
				}
				return '_'
			}, name)
		}
		used[name]++
		if n := used[name]; n > 1 {
			name += "_" + string(rune('0'+min(n, 9)))
		}
		typ := "string"
		if digitSeg.MatchString(raw) {
			typ = "integer"
		}
		segs[i] = "{" + name + "}"
		params = append(params, Param{Name: name, In: "path", Required: true, Type: typ, Values: []string{raw}})
	}
	return strings.Join(segs, "/"), params
}

func singular(s string) string {
	switch {
	case strings.HasSuffix(s, "ies") && len(s) > 4:
		return s[:len(s)-3] + "y"
	case strings.HasSuffix(s, "sses"):
		return s[:len(s)-2]
	case strings.HasSuffix(s, "s") && !strings.HasSuffix(s, "ss") && len(s) > 2:
		return s[:len(s)-1]
	}
	return s
}

// Merge adds ep to eps, or folds its parameter values into the endpoint of
// the same key already there. At most maxValues values are kept per
// parameter.
func Merge(eps []Endpoint, ep Endpoint, maxValues int) []Endpoint {
	for i := range eps {
		if eps[i].Key() != ep.Key() {
			continue
		}
		for _, p := range ep.Params {
			found := false
			for j := range eps[i].Params {
				q := &eps[i].Params[j]
				if q.In != p.In || q.Name != p.Name {
					continue
				}
				found = true
				for _, v := range p.Values {
					if len(q.Values) < maxValues && !slices.Contains(q.Values, v) {
						q.Values = append(q.Values, v)
					}
				}
			}
			if !found {
				p.Required = false
				eps[i].Params = append(eps[i].Params, p)
			}
		}
		if eps[i].Body == nil {
			eps[i].Body = ep.Body
		}
		return eps
	}
	return append(eps, ep)
}

// CredentialSet collects distinct credential header sets in order of first
// appearance, naming them prefix-1, prefix-2…
type CredentialSet struct {
	prefix string
	seen   map[string]bool
	list   []Credential
}

// NewCredentialSet makes an empty set.
func NewCredentialSet(prefix string) *CredentialSet {
	return &CredentialSet{prefix: prefix, seen: map[string]bool{}}
}

// Add records the credential headers of h, if any.
func (s *CredentialSet) Add(h http.Header) {
	c := http.Header{}
	for k, vs := range h {
		if len(vs) > 0 && vs[0] != "" && !strings.ContainsAny(vs[0], "\r\n") && IsCredential(k, vs[0]) {
			c[k] = []string{vs[0]} // the name as recorded: see transport.Identity
		}
	}
	if len(c) == 0 {
		return
	}
	names := make([]string, 0, len(c))
	for k := range c {
		names = append(names, k+"="+c[k][0])
	}
	sort.Strings(names)
	key := strings.Join(names, "\x00")
	if s.seen[key] {
		return
	}
	s.seen[key] = true
	s.list = append(s.list, Credential{Name: s.prefix + "-" + strconv.Itoa(len(s.list)+1), Header: c})
}

// List returns the credentials collected.
func (s *CredentialSet) List() []Credential { return s.list }

// FromURL builds an endpoint from a recorded or harvested URL (relative to
// the target), templatizing ids (known, when set, names more of them) and
// keeping query values as parameters.
func FromURL(method string, u *url.URL, src Source, known func(seg string) (string, bool)) Endpoint {
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	tmpl, params := TemplatizeKnown(p, known)
	ep := Endpoint{Method: strings.ToUpper(method), Path: tmpl, Params: params, Source: src}
	q := u.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ep.Params = append(ep.Params, Param{Name: k, In: "query", Values: []string{q.Get(k)}})
	}
	return ep
}
