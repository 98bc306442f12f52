// Package score is leakhound's published scoring model (docs/scoring.md).
//
// The model is deliberately simple and deterministic: every unsuppressed
// finding costs points, its cost depending on its severity, how confident the
// check is, and how sensitive the data it exposed is; repeated findings of one
// check cost less each time. The overall score and each category's score are
// 100 minus the cost of the findings they hold, never below 0.
package score

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/finding"
)

// ModelVersion names the scoring model; it changes whenever the formula,
// weights, bands or categories change.
const ModelVersion = "2"

// DataExposure is the id of the data exposure category, which holds every
// finding that put sensitive data in front of someone who should not see it,
// whatever its OWASP category.
const DataExposure = "data-exposure"

// SeverityPenalty is the cost of one finding of each severity before
// confidence, sensitivity and repetition.
var SeverityPenalty = map[finding.Severity]float64{
	finding.Critical: 30,
	finding.High:     15,
	finding.Medium:   6,
	finding.Low:      2,
	finding.Info:     0,
}

// ConfidenceWeight scales a finding's cost by how sure its check is.
var ConfidenceWeight = map[finding.Confidence]float64{
	finding.ConfidenceHigh:   1,
	finding.ConfidenceMedium: 0.7,
	finding.ConfidenceLow:    0.4,
}

// Sensitivity classes of leaked data, from the evidence value types.
const (
	SensitivityNone       = "none"
	SensitivityPersonal   = "personal"   // contact data, names, addresses, dates of birth
	SensitivityRegulated  = "regulated"  // government ids, payment and bank data, health
	SensitivityCredential = "credential" // secrets, tokens, keys, password hashes
)

// SensitivityWeight scales a finding's cost by the most sensitive data it
// exposed.
var SensitivityWeight = map[string]float64{
	SensitivityNone:       1,
	SensitivityPersonal:   1.2,
	SensitivityRegulated:  1.5,
	SensitivityCredential: 1.5,
}

// Decay is the factor applied to each further finding of the same check
// within one score: one missing header on fifty endpoints is one problem,
// not fifty. The n-th finding (from 0, most costly first) costs Decay^n.
const Decay = 0.5

// Categories names the OWASP API Security Top 10 2023 categories and the
// data exposure category.
var Categories = map[string]string{
	"API1:2023":  "Broken Object Level Authorization",
	"API2:2023":  "Broken Authentication",
	"API3:2023":  "Broken Object Property Level Authorization",
	"API4:2023":  "Unrestricted Resource Consumption",
	"API5:2023":  "Broken Function Level Authorization",
	"API6:2023":  "Unrestricted Access to Sensitive Business Flows",
	"API7:2023":  "Server Side Request Forgery",
	"API8:2023":  "Security Misconfiguration",
	"API9:2023":  "Improper Inventory Management",
	"API10:2023": "Unsafe Consumption of APIs",
	DataExposure: "Sensitive Data Exposure",
}

// dataExposureCWEs are the CWEs whose findings expose data by nature.
var dataExposureCWEs = map[string]bool{
	"CWE-200": true, "CWE-209": true, "CWE-213": true, "CWE-215": true,
	"CWE-312": true, "CWE-315": true, "CWE-359": true, "CWE-522": true,
	"CWE-524": true, "CWE-525": true, "CWE-532": true, "CWE-538": true,
	"CWE-540": true, "CWE-598": true,
}

// Sensitivity classifies a data type found in evidence (finding.Value.Type)
// by detect's level table, the one sensitivity model: secrets are
// credentials, critical and health data are regulated, the rest is
// personal. A type detect does not name is read as a field name
// ("payment_card", "aws_access_key").
func Sensitivity(typ string) string {
	if typ == "" {
		return SensitivityNone
	}
	t := detect.Type(typ)
	if detect.LevelOf(t) == detect.LevelNone {
		if k := detect.KeyType(typ); k != "" {
			t = k
		}
	}
	switch {
	case detect.CategoryOf(t) == detect.Secret:
		return SensitivityCredential
	case detect.LevelOf(t) >= detect.LevelCritical || t == detect.TypeMedical:
		return SensitivityRegulated
	}
	return SensitivityPersonal
}

// FindingSensitivity is the most sensitive class among a finding's evidence
// values.
func FindingSensitivity(f *finding.Finding) string {
	best := SensitivityNone
	for _, v := range f.Evidence.Values {
		if s := Sensitivity(v.Type); SensitivityWeight[s] > SensitivityWeight[best] ||
			(SensitivityWeight[s] == SensitivityWeight[best] && s == SensitivityCredential) {
			best = s
		}
	}
	return best
}

// Cost is what one finding costs before repetition decay.
func Cost(f *finding.Finding) float64 {
	return SeverityPenalty[f.Severity] * ConfidenceWeight[f.Confidence] * SensitivityWeight[FindingSensitivity(f)]
}

// InCategory reports whether f counts in category id.
func InCategory(f *finding.Finding, id string) bool {
	if id == DataExposure {
		return IsDataExposure(f)
	}
	return categoryOf(f.OWASP) == id
}

// IsDataExposure reports whether a finding exposed sensitive data: it carries
// sensitive values in its evidence or its primary CWE is an exposure CWE.
func IsDataExposure(f *finding.Finding) bool {
	if FindingSensitivity(f) != SensitivityNone {
		return true
	}
	return len(f.CWE) > 0 && dataExposureCWEs[normCWE(f.CWE[0])]
}

func normCWE(c string) string {
	c = strings.ToUpper(strings.TrimSpace(c))
	if !strings.HasPrefix(c, "CWE-") {
		c = "CWE-" + c
	}
	return c
}

// categoryOf reads the OWASP category id from "API1:2023" or
// "API1:2023 Broken Object Level Authorization".
func categoryOf(owasp string) string {
	id, _, _ := strings.Cut(strings.TrimSpace(owasp), " ")
	return id
}

// penalty sums the decayed cost of fs: per check, the costliest finding
// first at full cost, each next one at Decay times the previous.
func penalty(fs []*finding.Finding) float64 {
	byCheck := map[string][]float64{}
	for _, f := range fs {
		byCheck[f.Check] = append(byCheck[f.Check], Cost(f))
	}
	checks := make([]string, 0, len(byCheck))
	for c := range byCheck {
		checks = append(checks, c)
	}
	slices.Sort(checks) // deterministic float summation order
	total := 0.0
	for _, c := range checks {
		costs := byCheck[c]
		slices.SortFunc(costs, func(a, b float64) int { return cmp.Compare(b, a) })
		w := 1.0
		for _, x := range costs {
			total += x * w
			w *= Decay
		}
	}
	return total
}

func toScore(p float64) int {
	return max(0, 100-int(math.Round(p)))
}

func active(fs []finding.Finding) []*finding.Finding {
	out := make([]*finding.Finding, 0, len(fs))
	for i := range fs {
		if fs[i].Suppressed == nil {
			out = append(out, &fs[i])
		}
	}
	return out
}

func worst(fs []*finding.Finding) (finding.Severity, bool) {
	best, any := finding.Info, false
	for _, f := range fs {
		if !any || f.Severity > best {
			best, any = f.Severity, true
		}
	}
	return best, any
}

// Compute returns the 0–100 score and the A–F grade of a set of findings;
// suppressed findings do not count.
func Compute(fs []finding.Finding) (int, string) {
	act := active(fs)
	s := toScore(penalty(act))
	w, any := worst(act)
	return s, Grade(s, w, any)
}

// ComputeCategories scores each category in covered (OWASP ids such as
// API1:2023; unknown ids are ignored), every category a finding falls in,
// and always data exposure, in a fixed order (API1…API10, then data
// exposure).
func ComputeCategories(fs []finding.Finding, covered []string) []finding.CategoryScore {
	act := active(fs)
	ids := map[string]bool{DataExposure: true}
	for _, c := range covered {
		if id := categoryOf(c); Categories[id] != "" {
			ids[id] = true
		}
	}
	for _, f := range act {
		if id := categoryOf(f.OWASP); Categories[id] != "" {
			ids[id] = true
		}
	}
	out := make([]finding.CategoryScore, 0, len(ids))
	for id := range ids {
		var in []*finding.Finding
		for _, f := range act {
			if InCategory(f, id) {
				in = append(in, f)
			}
		}
		s := toScore(penalty(in))
		w, any := worst(in)
		out = append(out, finding.CategoryScore{ID: id, Name: Categories[id], Score: s, Grade: Grade(s, w, any), Findings: len(in)})
	}
	slices.SortFunc(out, func(a, b finding.CategoryScore) int { return cmp.Compare(categoryRank(a.ID), categoryRank(b.ID)) })
	return out
}

func categoryRank(id string) int {
	if id == DataExposure {
		return 100
	}
	var n int
	for _, r := range strings.TrimPrefix(strings.TrimSuffix(id, ":2023"), "API") {
		if r < '0' || r > '9' {
			return 99
		}
		n = n*10 + int(r-'0')
	}
	return n
}

// Apply sets the summary, score, grade, model version and category scores of
// r from its findings. covered lists the OWASP categories of the checks that
// ran; when nil, the categories already in r are kept. Call it again after
// suppressions or a baseline changed the findings.
func Apply(r *finding.Report, covered []string) {
	notTested := map[string]string{}
	for _, c := range r.Categories {
		if c.NotTested != "" {
			notTested[c.ID] = c.NotTested
		}
	}
	if covered == nil {
		for _, c := range r.Categories {
			covered = append(covered, c.ID)
		}
	}
	r.Summary = finding.Summarize(r.Findings)
	r.Score, r.Grade = Compute(r.Findings)
	if len(r.Incomplete) > 0 {
		r.Grade = finding.GradeIncomplete
	}
	r.ScoreModel = ModelVersion
	r.Categories = ComputeCategories(r.Findings, covered)
	for id, why := range notTested {
		MarkNotTested(r, id, why)
	}
}

// MarkNotTested records that the scan could not test category id (an
// OWASP id such as API1:2023) and why. Without findings in it, the
// category gets the grade finding.GradeNotTested and the score 0 instead
// of a clean A; with findings, its grade stands and the reason is kept.
// Apply keeps the mark when it recomputes the categories.
func MarkNotTested(r *finding.Report, id, why string) {
	id = categoryOf(id)
	if Categories[id] == "" || why == "" {
		return
	}
	for i := range r.Categories {
		c := &r.Categories[i]
		if c.ID != id {
			continue
		}
		c.NotTested = why
		if c.Findings == 0 {
			c.Score, c.Grade = 0, finding.GradeNotTested
		}
		return
	}
	r.Categories = append(r.Categories, finding.CategoryScore{ID: id, Name: Categories[id], Grade: finding.GradeNotTested, NotTested: why})
	slices.SortFunc(r.Categories, func(a, b finding.CategoryScore) int { return cmp.Compare(categoryRank(a.ID), categoryRank(b.ID)) })
}

// Bands are the grade bands: a score at or above Min gets Grade.
var Bands = []struct {
	Min   int
	Grade string
}{{90, "A"}, {80, "B"}, {70, "C"}, {60, "D"}, {0, "F"}}

// Grade maps a score to a letter by Bands. A critical finding caps the grade
// at D and a high one at C, whatever the score: one exploitable flaw is not
// averaged away by a clean rest.
func Grade(score int, worst finding.Severity, any bool) string {
	g := "F"
	for _, b := range Bands {
		if score >= b.Min {
			g = b.Grade
			break
		}
	}
	if any && worst == finding.Critical && g < "D" {
		g = "D"
	}
	if any && worst == finding.High && g < "C" {
		g = "C"
	}
	return g
}
