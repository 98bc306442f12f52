package finding

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Finding is one weakness found on one endpoint. Instances lists every
// concrete place where the same weakness was seen.
type Finding struct {
	Check       string     `json:"check"`
	Title       string     `json:"title"`
	Description string     `json:"description"`
	Severity    Severity   `json:"severity"`
	Confidence  Confidence `json:"confidence"`
	CWE         []string   `json:"cwe"`
	OWASP       string     `json:"owasp"`
	Method      string     `json:"method"`
	// Path is the path template when known (/users/{id}), else the concrete path.
	Path string `json:"path"`
	// Templated says Path is a template of the surface (a documented path,
	// or one the scan templated), kept as it is: a literal segment of a
	// specification (/api/c01) is never re-templated. Other paths are
	// keyed by shape.Of.
	Templated bool   `json:"-"`
	URL       string `json:"url"`
	Identity  string `json:"identity"`
	// Operation is the GraphQL operation the weakness is on ("query
	// paste"), empty for other APIs: GraphQL operations share one path.
	Operation string `json:"operation,omitempty"`
	// GraphQLBody is the GraphQL request body that shows the weakness
	// ({"query": …, "variables": …}), personal data masked; empty for
	// other APIs.
	GraphQLBody string `json:"graphql_body,omitempty"`
	// Subject narrows the weakness on the endpoint (a header name, a data
	// type) so that distinct weaknesses of one check stay distinct.
	Subject     string     `json:"subject,omitempty"`
	Evidence    Evidence   `json:"evidence"`
	Remediation string     `json:"remediation"`
	Fingerprint string     `json:"fingerprint"`
	Reproduce   string     `json:"reproduce"`
	Instances   []Instance `json:"instances,omitempty"`
	// Occurrences counts every instance, including those beyond the
	// MaxInstances listed.
	Occurrences int          `json:"occurrences"`
	Suppressed  *Suppression `json:"suppressed,omitempty"`
	// raw keeps the unmasked locations for Reveal.
	raw *locations
}

// Suppression says why a finding is accepted by the user.
type Suppression struct {
	Reason  string `json:"reason"`
	Expires string `json:"expires,omitempty"`
	// Rule says which suppression matched, such as "check=cors path=/admin/*".
	Rule string `json:"rule,omitempty"`
}

// Evidence is what a check saw, masked at construction.
type Evidence struct {
	// Request is the request line, such as "GET /users/2".
	Request string `json:"request"`
	Status  int    `json:"status,omitempty"`
	// Excerpt is a masked excerpt of the response (or of the headers).
	Excerpt string `json:"excerpt,omitempty"`
	// Values are the sensitive values found, masked.
	Values []Value `json:"values,omitempty"`
	// Details holds check-specific facts (e.g. markers of ownership).
	Details    map[string]string `json:"details,omitempty"`
	rawExcerpt string
}

// NewEvidence builds evidence whose excerpt has every value masked.
func NewEvidence(request string, status int, rawExcerpt string, values []Value) Evidence {
	return Evidence{
		Request:    request,
		Status:     status,
		Excerpt:    MaskText(rawExcerpt, values),
		Values:     values,
		rawExcerpt: rawExcerpt,
	}
}

// Instance is one concrete occurrence of a deduplicated finding.
type Instance struct {
	Method   string `json:"method"`
	URL      string `json:"url"`
	Identity string `json:"identity"`
	Status   int    `json:"status,omitempty"`
}

// Key is what makes two findings the same weakness: the check, the endpoint
// template (any method on a catch-all PREFIX{any}), the primary CWE and
// the subject.
func (f *Finding) Key() string {
	cwe := ""
	if len(f.CWE) > 0 {
		cwe = f.CWE[0]
	}
	path := f.Path
	if f.Operation != "" {
		// GraphQL operations share a path; other findings keep the
		// fingerprints they always had.
		path += " " + f.Operation
	}
	method := strings.ToUpper(f.Method)
	if strings.HasSuffix(f.Path, "{any}") {
		// A catch-all page (PREFIX{any}) answers every method alike: one
		// root cause, whatever method its instances were sent with.
		method = "*"
	}
	return strings.Join([]string{f.Check, method, path, cwe, f.Subject}, "\x00")
}

// ComputeFingerprint sets a fingerprint that is stable across runs for the
// same weakness: it depends on nothing that changes between scans (no host,
// port, identity token or timestamp).
func (f *Finding) ComputeFingerprint() {
	sum := sha256.Sum256([]byte(f.Key()))
	f.Fingerprint = hex.EncodeToString(sum[:8])
}

// Reveal replaces masked values with the raw ones. Only --reveal calls it.
func (f *Finding) Reveal() {
	if f.raw != nil {
		f.URL, f.Reproduce, f.Evidence.Request, f.Path = f.raw.url, f.raw.reproduce, f.raw.request, f.raw.path
		for k, v := range f.raw.details {
			f.Evidence.Details[k] = v
		}
		for i := range f.Instances {
			if i < len(f.raw.instances) {
				f.Instances[i].URL = f.raw.instances[i]
			}
		}
		f.raw = nil
	}
	for i := range f.Evidence.Values {
		if f.Evidence.Values[i].raw != "" {
			f.Evidence.Values[i].Masked = f.Evidence.Values[i].raw
		}
	}
	if f.Evidence.rawExcerpt != "" {
		f.Evidence.Excerpt = f.Evidence.rawExcerpt
	}
}

type locations struct {
	url, reproduce, request, path string
	instances                     []string
	details                       map[string]string
}

// MaskLocations masks personal data and secrets in the places a finding
// points to (its URL, request line, reproduction and instance URLs), which
// can carry them in query strings. Reveal restores them.
func (f *Finding) MaskLocations(mask func(string) string) {
	if f.raw == nil {
		f.raw = &locations{url: f.URL, reproduce: f.Reproduce, request: f.Evidence.Request, path: f.Path, details: map[string]string{}}
		for _, in := range f.Instances {
			f.raw.instances = append(f.raw.instances, in.URL)
		}
		for k, v := range f.Evidence.Details {
			f.raw.details[k] = v
		}
	}
	f.URL, f.Reproduce, f.Evidence.Request, f.Path = mask(f.URL), mask(f.Reproduce), mask(f.Evidence.Request), mask(f.Path)
	for i := range f.Instances {
		f.Instances[i].URL = mask(f.Instances[i].URL)
	}
}

// KeepRaw records the raw URL, reproduction and request line of a finding
// whose check masked them itself (values only the check knows are
// sensitive, such as an address it typed into a form); Reveal restores
// them. Call it once the evidence is set.
func (f *Finding) KeepRaw(url, reproduce, request string) {
	f.raw = &locations{url: url, reproduce: reproduce, request: request, path: f.Path, details: map[string]string{}}
	for _, in := range f.Instances {
		f.raw.instances = append(f.raw.instances, in.URL)
	}
	for k, v := range f.Evidence.Details {
		f.raw.details[k] = v
	}
}

// Scrub applies fn to every text of the finding, shown or kept for
// Reveal: the scan's own credentials are removed even from revealed
// reports.
func (f *Finding) Scrub(fn func(string) string) {
	f.Title, f.Description, f.Path, f.URL, f.Reproduce = fn(f.Title), fn(f.Description), fn(f.Path), fn(f.URL), fn(f.Reproduce)
	f.Evidence.Request, f.Evidence.Excerpt, f.Evidence.rawExcerpt = fn(f.Evidence.Request), fn(f.Evidence.Excerpt), fn(f.Evidence.rawExcerpt)
	for k, v := range f.Evidence.Details {
		f.Evidence.Details[k] = fn(v)
	}
	for i := range f.Evidence.Values {
		f.Evidence.Values[i].Masked, f.Evidence.Values[i].raw = fn(f.Evidence.Values[i].Masked), fn(f.Evidence.Values[i].raw)
	}
	for i := range f.Instances {
		f.Instances[i].URL = fn(f.Instances[i].URL)
	}
	if r := f.raw; r != nil {
		r.url, r.reproduce, r.request, r.path = fn(r.url), fn(r.reproduce), fn(r.request), fn(r.path)
		for i := range r.instances {
			r.instances[i] = fn(r.instances[i])
		}
		for k, v := range r.details {
			r.details[k] = fn(v)
		}
	}
}
