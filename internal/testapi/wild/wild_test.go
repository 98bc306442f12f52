package wild

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// variantChecks proves, with real requests, that each weakness is present in
// vulnerable mode and gone in fixed mode, and that each trap answers as its
// note says.
var variantChecks = map[string]func(t *testing.T, tg *Target, mode Mode){}

// proved lists, per variant, the weaknesses ("METHOD PATH [operation]", one
// entry per weakness) its checks prove; it must match the ground truth.
var proved = map[string][]string{}

func weaknessKeys(ws []Weakness) []string {
	var out []string
	for _, w := range ws {
		k := w.Method + " " + w.Path
		if w.Operation != "" {
			k += " " + w.Operation
		}
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

type resp struct {
	code int
	body string
	hdr  http.Header
}

func (r resp) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(r.body), &m); err != nil {
		t.Fatalf("not a JSON object (%d): %.300s", r.code, r.body)
	}
	return m
}

func (r resp) has(s string) bool { return strings.Contains(r.body, s) }

// do sends one request through the handler; hdr alternates name, value.
func do(t *testing.T, h http.Handler, method, target, body string, hdr ...string) resp {
	t.Helper()
	var req *http.Request
	if body != "" {
		req = httptest.NewRequest(method, target, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
	} else {
		req = httptest.NewRequest(method, target, nil)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header[hdr[i]] = []string{hdr[i+1]} // exact case, as a client may send it
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return resp{rec.Code, rec.Body.String(), rec.Header()}
}

func who(t *testing.T, tg *Target, name string) []string {
	t.Helper()
	for _, id := range tg.Identities {
		if id.Name == name {
			return []string{id.Header, id.Value}
		}
	}
	t.Fatalf("%s: no identity %q", tg.Name, name)
	return nil
}

// expect fails unless got is want in the mode where it should hold.
func expect(t *testing.T, mode Mode, what string, vulnerable bool, got resp) {
	t.Helper()
	if mode == Vulnerable && !vulnerable {
		t.Errorf("vulnerable: %s not shown (%d): %.400s", what, got.code, got.body)
	}
	if mode == Fixed && vulnerable {
		t.Errorf("fixed: %s still there (%d): %.400s", what, got.code, got.body)
	}
}

func wantCode(t *testing.T, what string, got resp, codes ...int) {
	t.Helper()
	for _, c := range codes {
		if got.code == c {
			return
		}
	}
	t.Errorf("%s: status %d, want %v: %.300s", what, got.code, codes, got.body)
}

var (
	cweRe   = regexp.MustCompile(`^CWE-\d+$`)
	owaspRe = regexp.MustCompile(`^API([1-9]|10):2023$`)
	sev     = map[string]bool{"low": true, "medium": true, "high": true, "critical": true}
	locs    = map[string]bool{"path": true, "query": true, "body": true, "header": true, "graphql-arg": true, "response": true, "site": true}
)

func opSet(ops []Operation) map[string]bool {
	m := map[string]bool{}
	for _, o := range ops {
		m[o.Method+" "+o.Path] = true
	}
	return m
}

// templateMatch reports whether a concrete path fits a route template.
func templateMatch(tmpl, path string) bool {
	ts, ps := split(tmpl), split(path)
	if len(ts) != len(ps) {
		return false
	}
	for i := range ts {
		if strings.HasPrefix(ts[i], "{") {
			if ps[i] == "" {
				return false
			}
			continue
		}
		if ts[i] != ps[i] {
			return false
		}
	}
	return true
}

func TestVariants(t *testing.T) {
	names := Variants()
	if len(names) == 0 {
		t.Fatal("no variants")
	}
	if _, err := New("nope", Vulnerable); err == nil {
		t.Error("unknown variant accepted")
	}
	for _, name := range names {
		name := name
		t.Run(name, func(t *testing.T) {
			check, ok := variantChecks[name]
			if !ok {
				t.Fatalf("no request-level checks for %s", name)
			}
			var opsByMode [2]map[string]bool
			for i, mode := range []Mode{Vulnerable, Fixed} {
				mode := mode
				tg, err := New(name, mode)
				if err != nil {
					t.Fatal(err)
				}
				opsByMode[i] = opSet(tg.Operations)
				t.Run(string(mode), func(t *testing.T) {
					if mode == Vulnerable {
						want := append([]string(nil), proved[name]...)
						sort.Strings(want)
						if got := weaknessKeys(tg.Weaknesses); strings.Join(got, "|") != strings.Join(want, "|") {
							t.Errorf("ground truth %v, checks prove %v", got, want)
						}
					}
					checkShape(t, tg, mode)
					check(t, tg, mode)
				})
			}
			if len(opsByMode[0]) != len(opsByMode[1]) {
				t.Errorf("operations differ between modes")
			}
			for k := range opsByMode[0] {
				if !opsByMode[1][k] {
					t.Errorf("fixed mode lacks %s", k)
				}
			}
		})
	}
}

func checkShape(t *testing.T, tg *Target, mode Mode) {
	t.Helper()
	if tg.Handler == nil || tg.Base == "" || len(tg.Operations) == 0 {
		t.Fatalf("incomplete target %+v", tg)
	}
	if len(tg.Identities) < 2 || tg.Identities[0].Name != "alice" || tg.Identities[1].Name != "bob" {
		t.Errorf("identities should start with alice and bob: %+v", tg.Identities)
	}
	ops := opSet(tg.Operations)
	if mode == Fixed && len(tg.Weaknesses) != 0 {
		t.Errorf("fixed mode lists weaknesses")
	}
	if mode == Vulnerable && len(tg.Weaknesses) == 0 {
		t.Errorf("vulnerable mode lists no weakness")
	}
	for _, w := range tg.Weaknesses {
		if w.Kind == "" || w.Note == "" || !cweRe.MatchString(w.CWE) || !owaspRe.MatchString(w.OWASP) || !sev[w.MinSeverity] || !locs[w.Location] ||
			(w.Needs != "read-only" && w.Needs != "allow-write") {
			t.Errorf("malformed weakness %+v", w)
		}
		if w.Path != "*" && !ops[w.Method+" "+w.Path] {
			t.Errorf("weakness on an operation not served: %s %s", w.Method, w.Path)
		}
		if w.Location == "graphql-arg" && w.Operation == "" {
			t.Errorf("graphql-arg weakness without operation: %+v", w)
		}
	}
	for _, tr := range tg.Traps {
		if !ops[tr.Method+" "+tr.Path] || tr.Note == "" {
			t.Errorf("trap on an operation not served: %+v", tr)
		}
	}
	if tg.Spec != nil {
		checkSpec(t, tg, tg.Spec)
	}
	if tg.HAR != nil {
		checkHAR(t, tg)
	}
}

func checkSpec(t *testing.T, tg *Target, spec []byte) {
	t.Helper()
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Swagger string                                `json:"swagger"`
		Servers []struct{ URL string }                `json:"servers"`
		BaseP   string                                `json:"basePath"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(spec, &doc); err != nil {
		t.Fatalf("spec is not JSON: %v", err)
	}
	if doc.OpenAPI == "" && doc.Swagger == "" {
		t.Errorf("spec has no version")
	}
	prefix := strings.TrimRight(doc.BaseP, "/")
	if len(doc.Servers) > 0 {
		if u, err := url.Parse(doc.Servers[0].URL); err == nil {
			prefix = strings.TrimRight(u.Path, "/")
		}
	}
	ops := opSet(tg.Operations)
	n := 0
	for p, m := range doc.Paths {
		for meth := range m {
			if meth == "parameters" {
				continue
			}
			n++
			k := strings.ToUpper(meth) + " " + prefix + p
			if !ops[k] {
				t.Errorf("spec documents %s which is not served", k)
			}
		}
	}
	if n == 0 {
		t.Errorf("spec has no operations")
	}
}

func checkHAR(t *testing.T, tg *Target) {
	t.Helper()
	var har struct {
		Log struct {
			Version string
			Entries []struct {
				Request struct {
					Method, URL string
					PostData    *struct{ MimeType, Text string }
				}
				Response struct{ Status int }
			}
		}
	}
	if err := json.Unmarshal(tg.HAR, &har); err != nil {
		t.Fatalf("HAR: %v", err)
	}
	if har.Log.Version != "1.2" || len(har.Log.Entries) == 0 {
		t.Fatalf("HAR: version %q, %d entries", har.Log.Version, len(har.Log.Entries))
	}
	for _, e := range har.Log.Entries {
		u, err := url.Parse(e.Request.URL)
		if err != nil {
			t.Fatalf("HAR url %q", e.Request.URL)
		}
		found := false
		for _, o := range tg.Operations {
			if o.Method == e.Request.Method && templateMatch(o.Path, u.Path) {
				found = true
			}
		}
		if !found {
			t.Errorf("HAR request %s %s matches no operation", e.Request.Method, u.Path)
		}
		if e.Response.Status >= 400 {
			t.Errorf("HAR recorded a failing exchange: %s %s -> %d", e.Request.Method, u.Path, e.Response.Status)
		}
		if e.Request.Method != "GET" && e.Request.PostData == nil {
			t.Errorf("HAR %s %s has no body", e.Request.Method, u.Path)
		}
	}
}

func TestJWT(t *testing.T) {
	s := randSecret()
	tok := signJWT(s, stdClaims("1", "alice", nil))
	if _, err := parseJWT(s, tok, false); err != nil {
		t.Fatal(err)
	}
	if _, err := parseJWT(randSecret(), tok, false); err == nil {
		t.Error("wrong secret accepted")
	}
	none := unsignedJWT(stdClaims("1", "alice", nil))
	if _, err := parseJWT(s, none, false); err == nil {
		t.Error("alg none accepted")
	}
	if _, err := parseJWT(s, none, true); err != nil {
		t.Error("alg none refused when allowed")
	}
}
