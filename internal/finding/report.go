package finding

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/leakhound/leakhound/internal/surface/shape"
)

// SchemaVersion is the version of the JSON report schema (docs/report-schema.md).
// It is 1.1 since the optional score_model, categories and baseline fields
// were added; readers of 1.0 reports keep working.
const SchemaVersion = "1.1"

// Tool names the scanner that made a report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Report is the whole result of a scan, the one input of every reporter.
type Report struct {
	SchemaVersion string `json:"schema_version"`
	Tool          Tool   `json:"tool"`
	Target        string `json:"target"`
	// Incomplete lists why the scan cannot vouch for the target (no API
	// endpoint found, no identity verified, most requests unanswered). When
	// it is non-empty the grade is GradeIncomplete, whatever the findings:
	// a scan that tested nothing is never graded. It comes first
	// after the target so that a reader of the JSON meets it first.
	Incomplete      []string       `json:"incomplete,omitempty"`
	StartedAt       time.Time      `json:"started_at"`
	FinishedAt      time.Time      `json:"finished_at"`
	DurationMS      int64          `json:"duration_ms"`
	RequestsSent    int            `json:"requests_sent"`
	RequestsByCheck map[string]int `json:"requests_by_check"`
	Endpoints       int            `json:"endpoints"`
	Score           int            `json:"score"`
	Grade           string         `json:"grade"`
	// ScoreModel is the version of the scoring model (docs/scoring.md) that
	// computed Score, Grade and Categories.
	ScoreModel string `json:"score_model,omitempty"`
	// Categories scores each OWASP API Top 10 category the scan covered,
	// plus data exposure.
	Categories []CategoryScore `json:"categories,omitempty"`
	Summary    Summary         `json:"summary"`
	// Coverage records what the scan asked and what answered, per
	// operation; nil in reports of older versions.
	Coverage *Coverage `json:"coverage,omitempty"`
	// Baseline is set when the scan was compared with a previous report:
	// Findings then holds only the new findings.
	Baseline *BaselineResult `json:"baseline,omitempty"`
	// Partial is true when the scan stopped early (interrupt, budget,
	// unreachable target); Errors says why.
	Partial bool     `json:"partial"`
	Errors  []string `json:"errors,omitempty"`
	// Warnings are what a reader must know that is not a finding (a
	// comparison dropped because the target rate-limited it).
	Warnings []string `json:"warnings,omitempty"`
	// SkippedOperations lists what the safety policy and the scope kept
	// from being sent (docs/safety.md).
	SkippedOperations []SkippedOperation `json:"skipped_operations,omitempty"`
	// RequestsRefused counts the requests refused before the wire.
	RequestsRefused int `json:"requests_refused,omitempty"`
	// Writes is the write journal of an --allow-write scan.
	Writes []Write `json:"writes,omitempty"`
	// Answers counts the answers that could not be judged (rate-limited,
	// unavailable, timed out, truncated, undecodable), retries included.
	Answers *Answers `json:"answers,omitempty"`
	// Memory reports the memory budget of cached answers and exchanges.
	Memory   *Memory   `json:"memory,omitempty"`
	Findings []Finding `json:"findings"`
}

// GradeIncomplete is the grade of a report with Incomplete reasons.
const GradeIncomplete = "incomplete"

// MarkIncomplete adds a reason why the scan is incomplete (duplicates are
// kept once) and sets the grade to GradeIncomplete.
func (r *Report) MarkIncomplete(reason string) {
	if !slices.Contains(r.Incomplete, reason) {
		r.Incomplete = append(r.Incomplete, reason)
	}
	r.Grade = GradeIncomplete
}

// CategoryScore is the score of one category of weaknesses.
type CategoryScore struct {
	// ID is an OWASP API Top 10 2023 id (API1:2023) or "data-exposure".
	ID       string `json:"id"`
	Name     string `json:"name"`
	Score    int    `json:"score"`
	Grade    string `json:"grade"`
	Findings int    `json:"findings"`
	// NotTested says why the scan could not exercise the category's main
	// check (bola without objects learnt for two identities); empty when
	// it was tested. A category not tested and without findings has the
	// grade GradeNotTested and the score 0, never a clean A.
	NotTested string `json:"not_tested,omitempty"`
}

// GradeNotTested is the grade of a category the scan could not test.
const GradeNotTested = "not tested"

// BaselineResult compares a scan with a previous report.
type BaselineResult struct {
	// Source names the previous report (its file name).
	Source    string `json:"source,omitempty"`
	New       int    `json:"new"`
	Unchanged int    `json:"unchanged"`
	// Fixed lists the findings of the previous report not seen any more on
	// an operation this scan tested and got an answer from.
	Fixed []FixedFinding `json:"fixed"`
	// NotRetested lists the findings of the previous report not seen any
	// more, whose operation this scan did not get an answer from (not
	// requested, 404, rate limited, failed): nothing says they are fixed.
	NotRetested []FixedFinding `json:"not_retested,omitempty"`
}

// Coverage is what a scan asked of each operation, and what it reached:
// where its endpoints came from, the identities it could verify and the
// operations that answered. A scan that reached nothing is incomplete,
// never clean.
type Coverage struct {
	// Operations are sorted by path, then method.
	Operations []OperationCoverage `json:"operations"`
	// EndpointsBySource counts endpoints by where they were learnt:
	// "target" (the URL given), "spec", "har", "postman", "discovery"
	// (probed paths and guessed item routes) and "harvest" (named by
	// answers, pages and scripts).
	EndpointsBySource map[string]int `json:"endpoints_by_source,omitempty"`
	// Identities counts the identities given (anonymous aside);
	// IdentitiesVerified those the who-am-I step proved authenticated and
	// distinct.
	Identities         int `json:"identities,omitempty"`
	IdentitiesVerified int `json:"identities_verified,omitempty"`
	// OperationsTested counts the endpoints that answered the scan with
	// something other than a 404, a soft-404 or a server error;
	// APIOperations those of them whose answer was not an HTML page.
	OperationsTested int `json:"operations_tested,omitempty"`
	APIOperations    int `json:"api_operations,omitempty"`
	// DiscoveryRequests counts the requests discovery sent.
	DiscoveryRequests int `json:"discovery_requests,omitempty"`
	// AuthHeaders are custom credential headers the API named in
	// Access-Control-Allow-Headers (X-Api-Token).
	AuthHeaders []string `json:"auth_headers,omitempty"`
}

// OperationCoverage counts the requests sent to one operation (method and
// path template) and those that got an answer: any status but 404, 410,
// 429 and 503, and no transport error.
type OperationCoverage struct {
	Method   string `json:"method"`
	Path     string `json:"path"`
	Requests int    `json:"requests"`
	Answered int    `json:"answered"`
}

// Answered reports whether the operation got at least one answer. Paths
// are compared by shape: as templates (shape.Of), whatever their
// placeholders are called (/users/{id} is /users/{user_id}).
func (c *Coverage) Answered(method, path string) bool {
	if c == nil {
		return false
	}
	method, path = strings.ToUpper(method), placeholderName.ReplaceAllString(shape.Of(path), "{}")
	for _, o := range c.Operations {
		if o.Answered > 0 && strings.EqualFold(o.Method, method) && placeholderName.ReplaceAllString(shape.Of(o.Path), "{}") == path {
			return true
		}
	}
	return false
}

var placeholderName = regexp.MustCompile(`\{[^{}/]*\}`)

// IsAnswer reports whether a status answers a request for the purpose of
// coverage: 404 and 410 say the object tried is gone, 429 and 503 that the
// server would not judge, 0 that nothing came back.
func IsAnswer(status int) bool {
	switch status {
	case 0, 404, 410, 429, 503:
		return false
	}
	return true
}

// FixedFinding is a short record of a finding that disappeared.
type FixedFinding struct {
	Fingerprint string   `json:"fingerprint"`
	Check       string   `json:"check"`
	Title       string   `json:"title"`
	Severity    Severity `json:"severity"`
	Method      string   `json:"method"`
	Path        string   `json:"path"`
}

// Summary counts findings per severity.
type Summary struct {
	Critical int `json:"critical"`
	High     int `json:"high"`
	Medium   int `json:"medium"`
	Low      int `json:"low"`
	Info     int `json:"info"`
	Total    int `json:"total"`
}

// Count returns the number of findings of severity s.
func (s Summary) Count(sev Severity) int {
	switch sev {
	case Critical:
		return s.Critical
	case High:
		return s.High
	case Medium:
		return s.Medium
	case Low:
		return s.Low
	default:
		return s.Info
	}
}

// Summarize counts unsuppressed findings per severity.
func Summarize(fs []Finding) Summary {
	var s Summary
	for _, f := range fs {
		if f.Suppressed != nil {
			continue
		}
		switch f.Severity {
		case Critical:
			s.Critical++
		case High:
			s.High++
		case Medium:
			s.Medium++
		case Low:
			s.Low++
		default:
			s.Info++
		}
		s.Total++
	}
	return s
}

// Max returns the highest severity among unsuppressed findings and whether
// there was any.
func Max(fs []Finding) (Severity, bool) {
	best, any := Info, false
	for _, f := range fs {
		if f.Suppressed != nil {
			continue
		}
		if !any || f.Severity > best {
			best, any = f.Severity, true
		}
	}
	return best, any
}

// MaxInstances bounds the instances listed in one finding.
const MaxInstances = 25

// DedupeKey is the key under which Dedupe merges f: its Key once its path
// is templated. Counting distinct DedupeKeys counts the findings a report
// will hold.
func DedupeKey(f Finding) string {
	if !f.Templated {
		f.Path = shape.Of(f.Path)
	}
	return f.Key()
}

// Dedupe merges findings with the same Key into one. The representative is
// chosen by a total order (most severe, most confident, then by URL, identity
// and evidence), so the result does not depend on the order in which
// concurrent checks reported; every occurrence is listed as an instance.
// Findings are then fingerprinted and sorted.
func Dedupe(fs []Finding) []Finding {
	groups := map[string][]Finding{}
	var keys []string
	for _, f := range fs {
		k := DedupeKey(f)
		if !f.Templated {
			f.Path = shape.Of(f.Path)
		}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], f)
	}
	out := make([]Finding, 0, len(keys))
	for _, k := range keys {
		g := groups[k]
		slices.SortStableFunc(g, func(a, b Finding) int {
			return cmp.Or(
				cmp.Compare(b.Severity, a.Severity),
				cmp.Compare(b.Confidence, a.Confidence),
				cmp.Compare(identityRank(a.Identity), identityRank(b.Identity)),
				cmp.Compare(a.URL, b.URL),
				cmp.Compare(a.Identity, b.Identity),
				cmp.Compare(a.Evidence.Request, b.Evidence.Request),
				cmp.Compare(a.Evidence.Excerpt, b.Evidence.Excerpt),
				cmp.Compare(a.Title, b.Title),
			)
		})
		var instances []Instance
		for _, f := range g {
			if len(f.Instances) > 0 {
				instances = append(instances, f.Instances...)
			} else {
				instances = append(instances, Instance{Method: f.Method, URL: f.URL, Identity: f.Identity, Status: f.Evidence.Status})
			}
		}
		slices.SortFunc(instances, func(a, b Instance) int {
			return cmp.Or(cmp.Compare(a.URL, b.URL), cmp.Compare(a.Identity, b.Identity), cmp.Compare(a.Method, b.Method), cmp.Compare(a.Status, b.Status))
		})
		rep := g[0]
		rep.Instances = slices.Compact(instances)
		rep.Occurrences = len(rep.Instances)
		if len(rep.Instances) > MaxInstances {
			rep.Instances = rep.Instances[:MaxInstances]
		}
		rep.ComputeFingerprint()
		out = append(out, rep)
	}
	Sort(out)
	return out
}

// Sort orders findings most severe first, then by check, path, method and
// subject, so two scans of one target give the same order.
func Sort(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(b.Severity, a.Severity),
			cmp.Compare(b.Confidence, a.Confidence),
			cmp.Compare(a.Check, b.Check),
			cmp.Compare(a.Path, b.Path),
			cmp.Compare(a.Method, b.Method),
			cmp.Compare(a.Subject, b.Subject),
			cmp.Compare(a.Identity, b.Identity),
		)
	})
}

// identityRank puts findings seen without credentials first: their
// reproduction needs no token.
func identityRank(name string) int {
	if name == "anonymous" || name == "" {
		return 0
	}
	return 1
}

// Fold merges each finding of check from into the finding of check into
// on the same operation (method and path template): one endpoint, one
// weakness, the union of what both saw (values, types, the worse severity
// and confidence). Findings of from without a counterpart stay.
func Fold(fs []Finding, into, from string) []Finding {
	at := map[string]int{}
	for i, f := range fs {
		if f.Check == into {
			at[strings.ToUpper(f.Method)+" "+f.Path] = i
		}
	}
	out := fs[:0]
	for _, f := range fs {
		i, ok := at[strings.ToUpper(f.Method)+" "+f.Path]
		if f.Check != from || !ok {
			out = append(out, f)
			continue
		}
		t := &fs[i]
		t.Severity, t.Confidence = max(t.Severity, f.Severity), max(t.Confidence, f.Confidence)
		for _, v := range f.Evidence.Values {
			if !slices.ContainsFunc(t.Evidence.Values, func(w Value) bool { return w.Masked == v.Masked && w.Type == v.Type }) {
				t.Evidence.Values = append(t.Evidence.Values, v)
			}
		}
		if t.Evidence.Details == nil {
			t.Evidence.Details = map[string]string{}
		}
		types := strings.Split(t.Evidence.Details["types"], ", ")
		for _, typ := range strings.Split(f.Evidence.Details["types"], ", ") {
			if typ != "" && !slices.Contains(types, typ) {
				types = append(types, typ)
			}
		}
		slices.Sort(types)
		if joined := strings.Trim(strings.Join(types, ", "), ", "); joined != "" {
			t.Evidence.Details["types"] = joined
		}
		t.Evidence.Details["also_reported_by"] = from
		t.CWE = append(t.CWE, slices.DeleteFunc(slices.Clone(f.CWE), func(c string) bool { return slices.Contains(t.CWE, c) })...)
	}
	return out
}
