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
	// keyed by surface.Shape.
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
// template, the primary CWE and the subject.
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
	return strings.Join([]string{f.Check, strings.ToUpper(f.Method), path, cwe, f.Subject}, "\x00")
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
		f.URL, f.Reproduce, f.Evidence.Request = f.raw.url, f.raw.reproduce, f.raw.request
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
	url, reproduce, request string
	instances               []string
}

// MaskLocations masks personal data and secrets in the places a finding
// points to (its URL, request line, reproduction and instance URLs), which
// can carry them in query strings. Reveal restores them.
func (f *Finding) MaskLocations(mask func(string) string) {
	if f.raw == nil {
		f.raw = &locations{url: f.URL, reproduce: f.Reproduce, request: f.Evidence.Request}
		for _, in := range f.Instances {
			f.raw.instances = append(f.raw.instances, in.URL)
		}
	}
	f.URL, f.Reproduce, f.Evidence.Request = mask(f.URL), mask(f.Reproduce), mask(f.Evidence.Request)
	for i := range f.Instances {
		f.Instances[i].URL = mask(f.Instances[i].URL)
	}
}
