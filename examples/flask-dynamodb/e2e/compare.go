package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/internal/finding"
)

// Expectation is one entry of expected.json: a weakness the vulnerable mode
// has on purpose. Path is a template (/api/patients/{patient_id}), relative
// to the example's base URL, or "*" for host-wide weaknesses; Method may be
// "*" too. Ground truth written without knowing leakhound gives no check
// id: such an entry is met by a finding of any check with its CWE, method
// and path.
type Expectation struct {
	Check       string `json:"check,omitempty"`
	Kind        string `json:"kind,omitempty"`
	Method      string `json:"method"`
	Path        string `json:"path"`
	CWE         string `json:"cwe"`
	MinSeverity string `json:"min_severity"`
	Note        string `json:"note,omitempty"`
	// Optional entries need something a default scan does not do (a POST,
	// a plain-HTTP-only rule); missing them does not fail the suite.
	Optional bool `json:"optional,omitempty"`
	// Needs is "read-only" or "allow-write" in blind ground truth: an
	// allow-write entry is optional in a read-only run.
	Needs string `json:"needs,omitempty"`
	// Operation is the GraphQL root field a GraphQL entry is on (paste,
	// setUserRole; "*" or empty for any): GraphQL operations share one
	// path, so it is met only by a finding on that operation.
	Operation string `json:"operation,omitempty"`
}

func (e Expectation) String() string {
	name := e.Check
	if name == "" {
		name = e.Kind
	}
	path := e.Path
	if e.Operation != "" {
		path += " " + e.Operation
	}
	return fmt.Sprintf("%s %s %s (%s, >= %s)", name, e.Method, path, e.CWE, e.MinSeverity)
}

// Trap is an entry of traps.json: an operation that looks alarming but must
// not be reported at high or critical severity, in either mode.
type Trap struct {
	Method string `json:"method"`
	Path   string `json:"path"`
	// Operation is the GraphQL root field of the trap, when it is one.
	Operation string `json:"operation,omitempty"`
	Note      string `json:"note,omitempty"`
}

// LoadTraps reads traps.json; a missing file means no traps.
func LoadTraps(name string) ([]Trap, error) {
	b, err := os.ReadFile(name)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var ts []Trap
	if err := json.Unmarshal(b, &ts); err != nil {
		return nil, fmt.Errorf("parse %s: %w", name, err)
	}
	return ts, nil
}

// TrapHits returns the findings at or above min severity on a trap. A
// finding that met an expectation (claimed, by fingerprint) is no trap hit:
// a host-wide weakness reported on "/" is not a finding on the page "/".
func TrapHits(ts []Trap, rep *finding.Report, min finding.Severity, claimed map[string]bool) []finding.Finding {
	base := basePath(rep)
	var out []finding.Finding
	for _, f := range rep.Findings {
		if f.Suppressed != nil || f.Severity < min || claimed[f.Fingerprint] {
			continue
		}
		for _, t := range ts {
			// The finding's own operation only: a site-wide finding shown
			// on a trap's URL is not about the trap.
			own := finding.Finding{Path: f.Path}
			if methodMatches(t.Method, f.Method) && pathMatches(t.Path, &own, base) && operationMatches(t.Operation, &f) {
				out = append(out, f)
				break
			}
		}
	}
	return out
}

// LoadExpectations reads expected.json and validates every entry.
func LoadExpectations(name string) ([]Expectation, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var es []Expectation
	if err := json.Unmarshal(b, &es); err != nil {
		return nil, fmt.Errorf("parse %s: %w", name, err)
	}
	for i, e := range es {
		if (e.Check == "" && e.CWE == "") || e.Method == "" || e.Path == "" {
			return nil, fmt.Errorf("%s: entry %d needs a check or a CWE, a method and a path", name, i)
		}
		if _, err := finding.ParseSeverity(e.MinSeverity); err != nil {
			return nil, fmt.Errorf("%s: entry %d (%s): %w", name, i, e.Check, err)
		}
	}
	return es, nil
}

// Status is the outcome of one expectation.
type Status string

// Outcomes of an expectation.
const (
	Found       Status = "FOUND"
	Pending     Status = "PENDING"  // its check does not exist yet
	Missing     Status = "MISSING"  // the check exists, the finding is absent
	TooLow      Status = "TOO-LOW"  // found below min_severity
	Unrequired  Status = "OPTIONAL" // optional and absent
	unevaluated Status = ""
)

// Result pairs an expectation with its outcome and the finding that met it.
type Result struct {
	Expectation
	Status  Status
	Finding *finding.Finding
	Detail  string
}

// Claimed returns the fingerprints of the findings that met an
// expectation (a host-wide entry claims each of its findings).
func (v Verdict) Claimed() map[string]bool { return v.claimed }

// Verdict is the comparison of a vulnerable-mode report with expected.json.
type Verdict struct {
	claimed map[string]bool

	Results []Result
	// Extra lists findings that no expectation claimed (not failures: they
	// say expected.json may need a new entry).
	Extra []finding.Finding
}

// Count returns how many results have status s.
func (v Verdict) Count(s Status) int {
	n := 0
	for _, r := range v.Results {
		if r.Status == s {
			n++
		}
	}
	return n
}

// Failed reports whether a required, implemented expectation was not met.
func (v Verdict) Failed() bool { return v.Count(Missing)+v.Count(TooLow) > 0 }

// Recall returns how many expectations were found, out of those whose check
// exists and that are required or were found anyway.
func (v Verdict) Recall() (found, of int) {
	for _, r := range v.Results {
		switch r.Status {
		case Found:
			found++
			of++
		case Missing, TooLow:
			of++
		}
	}
	return found, of
}

// Compare matches a report against the expectations. implemented holds the
// check ids that the scanner has (from `leakhound checks`). A finding meets
// an expectation when check, method and path match (a template, or a
// concrete path of the finding or of one of its instances that fits the
// template) and its severity is at least min_severity. Findings whose CWE
// list holds the expected CWE are preferred and may meet several
// path-specific expectations; a "*" entry, and any match without the CWE,
// only takes a finding that no other entry took.
func Compare(es []Expectation, rep *finding.Report, implemented map[string]bool) Verdict {
	base := basePath(rep)
	results := make([]Result, len(es))
	for i, e := range es {
		results[i] = Result{Expectation: e}
		if e.Check != "" && !implemented[e.Check] {
			results[i].Status = Pending
		}
	}
	fs := make([]finding.Finding, 0, len(rep.Findings))
	for _, f := range rep.Findings {
		if f.Suppressed == nil {
			fs = append(fs, f)
		}
	}
	used := make([]bool, len(fs))
	// Specific entries first, so that "*" entries take what is left.
	order := make([]int, len(es))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return specificity(es[b]) - specificity(es[a]) })

	// Pass 1: check, method, path and CWE all match.
	for _, i := range order {
		r := &results[i]
		if r.Status != unevaluated {
			continue
		}
		// Host-wide ("*") entries only take findings no other entry took.
		var skip []bool
		if r.Path == "*" {
			skip = used
		}
		if j := best(r.Expectation, fs, skip, true, base); j >= 0 {
			settle(r, &fs[j])
			used[j] = true
			if r.Path == "*" {
				// A host-wide weakness may come as one finding per subject
				// (each missing header): all of them belong to this entry.
				claimAll(r.Expectation, fs, used, base)
			}
		}
	}
	// Pass 2: CWE differs; each finding serves one expectation at most.
	for _, i := range order {
		r := &results[i]
		if r.Status != unevaluated {
			continue
		}
		// Blind entries are named by their CWE only: no second pass.
		if j := best(r.Expectation, fs, used, false, base); r.Check != "" && j >= 0 {
			settle(r, &fs[j])
			r.Detail = strings.TrimSpace(r.Detail + fmt.Sprintf(" cwe %s, expected %s", strings.Join(fs[j].CWE, ","), r.CWE))
			used[j] = true
			continue
		}
		if why, ok := refusedByPolicy(r.Expectation, rep); ok {
			// The scan's safety mode keeps the operation unsent (a
			// GraphQL login mutation in a read-only scan): it cannot be
			// found in this run, and that is by design.
			r.Status, r.Detail = Unrequired, "not sent in this mode: "+why
			continue
		}
		if r.Optional {
			r.Status = Unrequired
		} else {
			r.Status = Missing
		}
	}
	v := Verdict{Results: results, claimed: map[string]bool{}}
	for j, f := range fs {
		if used[j] {
			v.claimed[f.Fingerprint] = true
		}
		if !used[j] {
			v.Extra = append(v.Extra, f)
		}
	}
	return v
}

// settle records the finding that matched and whether it is severe enough.
func settle(r *Result, f *finding.Finding) {
	min, _ := finding.ParseSeverity(r.MinSeverity)
	r.Finding = f
	if f.Severity >= min {
		r.Status = Found
		return
	}
	r.Status = TooLow
	r.Detail = fmt.Sprintf("severity %s", f.Severity)
}

// best returns the index of the most severe finding that matches e (and is
// not used), or -1.
func best(e Expectation, fs []finding.Finding, used []bool, wantCWE bool, base string) int {
	idx := -1
	for j := range fs {
		f := &fs[j]
		if used != nil && used[j] {
			continue
		}
		if (e.Check != "" && f.Check != e.Check) || !methodMatches(e.Method, f.Method) || !pathMatches(e.Path, f, base) || !operationMatches(e.Operation, f) {
			continue
		}
		if wantCWE && !slices.Contains(f.CWE, e.CWE) {
			continue
		}
		if idx < 0 || f.Severity > fs[idx].Severity {
			idx = j
		}
	}
	return idx
}

func claimAll(e Expectation, fs []finding.Finding, used []bool, base string) {
	for j := range fs {
		f := &fs[j]
		if !used[j] && (e.Check == "" || f.Check == e.Check) && methodMatches(e.Method, f.Method) && slices.Contains(f.CWE, e.CWE) {
			used[j] = true
		}
	}
}

func specificity(e Expectation) int {
	n := 0
	if e.Path != "*" {
		n += 2
	}
	if e.Method != "*" {
		n++
	}
	return n
}

// refusedByPolicy reports whether the report lists the GraphQL operation of
// an entry among the operations its safety policy kept unsent, and why.
func refusedByPolicy(e Expectation, rep *finding.Report) (string, bool) {
	if e.Operation == "" || e.Operation == "*" {
		return "", false
	}
	for _, s := range rep.SkippedOperations {
		path, op, ok := strings.Cut(s.Path, " ")
		if !ok || !methodMatches(e.Method, s.Method) || !TemplateMatches(e.Path, path) {
			continue
		}
		if _, field, _ := strings.Cut(op, " "); field == e.Operation {
			return s.Reason, true
		}
	}
	return "", false
}

// operationMatches reports whether a finding is on the GraphQL root field
// want ("" and "*" match any finding): its operation "query paste" or
// "query pastes(public:false)" names the field after the kind.
func operationMatches(want string, f *finding.Finding) bool {
	if want == "" || want == "*" {
		return true
	}
	_, field, _ := strings.Cut(f.Operation, " ")
	field, _, _ = strings.Cut(field, "(")
	return field == want
}

func methodMatches(want, got string) bool {
	return want == "*" || strings.EqualFold(want, got)
}

// pathMatches tries the finding's path, its URL and every instance URL,
// each as it is and relative to the scan's base path (/prod for an API
// Gateway stage).
func pathMatches(template string, f *finding.Finding, base string) bool {
	if template == "*" {
		return true
	}
	fits := func(p string) bool {
		if TemplateMatches(template, p) {
			return true
		}
		if base != "" && strings.HasPrefix(p, base+"/") {
			return TemplateMatches(template, strings.TrimPrefix(p, base))
		}
		return false
	}
	if fits(f.Path) || (f.URL != "" && fits(urlPath(f.URL))) {
		return true
	}
	for _, in := range f.Instances {
		if fits(urlPath(in.URL)) {
			return true
		}
	}
	return false
}

// basePath is the path of the scan's target URL, without a trailing slash
// ("" at the root).
func basePath(rep *finding.Report) string {
	u, err := url.Parse(rep.Target)
	if err != nil {
		return ""
	}
	return strings.TrimRight(u.EscapedPath(), "/")
}

func urlPath(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.EscapedPath()
}

// TemplateMatches reports whether path (a concrete path, or a template with
// its own parameter names) fits template: literal segments must be equal and
// a {param} segment matches any non-empty segment. Query strings and a
// trailing slash are ignored.
func TemplateMatches(template, path string) bool {
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	t := strings.Split(strings.Trim(template, "/"), "/")
	p := strings.Split(strings.Trim(path, "/"), "/")
	if len(t) != len(p) {
		return false
	}
	for i := range t {
		if isParam(t[i]) {
			if p[i] == "" {
				return false
			}
			continue
		}
		seg, err := url.PathUnescape(p[i])
		if err != nil {
			seg = p[i]
		}
		if t[i] != seg {
			return false
		}
	}
	return true
}

func isParam(seg string) bool {
	return len(seg) > 2 && seg[0] == '{' && seg[len(seg)-1] == '}'
}

// FalsePositives returns the fixed-mode findings at or above min severity.
func FalsePositives(rep *finding.Report, min finding.Severity) []finding.Finding {
	var out []finding.Finding
	for _, f := range rep.Findings {
		if f.Suppressed == nil && f.Severity >= min {
			out = append(out, f)
		}
	}
	return out
}
