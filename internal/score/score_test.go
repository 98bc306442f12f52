package score

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/leakhound/leakhound/internal/finding"
)

func fnd(check string, sev finding.Severity, conf finding.Confidence, owasp string, types ...string) finding.Finding {
	f := finding.Finding{Check: check, Severity: sev, Confidence: conf, OWASP: owasp, CWE: []string{"CWE-639"}, Method: "GET", Path: "/" + check}
	for _, t := range types {
		f.Evidence.Values = append(f.Evidence.Values, finding.NewValue(t, "$.x", "value-of-"+t))
	}
	return f
}

// TestCompute pins the formula of model 2 (docs/scoring.md): change these
// numbers only together with ModelVersion and the document.
func TestCompute(t *testing.T) {
	t.Parallel()
	suppressed := fnd("bola", finding.Critical, finding.ConfidenceHigh, "API1:2023")
	suppressed.Suppressed = &finding.Suppression{Reason: "accepted"}
	tests := []struct {
		name  string
		fs    []finding.Finding
		score int
		grade string
	}{
		{"no findings", nil, 100, "A"},
		// 30 × 1 × 1.2 (personal) = 36
		{"critical with an email", []finding.Finding{fnd("bola", finding.Critical, finding.ConfidenceHigh, "API1:2023", "email")}, 64, "D"},
		// 30 × 1 × 1.5 (regulated) = 45
		{"critical with an ssn", []finding.Finding{fnd("bola", finding.Critical, finding.ConfidenceHigh, "API1:2023", "ssn", "email")}, 55, "F"},
		// 15 × 0.7 = 10.5 → 11; B capped at C by the high finding
		{"high, medium confidence", []finding.Finding{fnd("bfla", finding.High, finding.ConfidenceMedium, "API5:2023")}, 89, "C"},
		// 6 + 3 + 1.5 = 10.5 → 11
		{"three of one check decay", []finding.Finding{
			fnd("headers", finding.Medium, finding.ConfidenceHigh, "API8:2023"),
			fnd("headers", finding.Medium, finding.ConfidenceHigh, "API8:2023"),
			fnd("headers", finding.Medium, finding.ConfidenceHigh, "API8:2023"),
		}, 89, "B"},
		// 2 × 0.4 × 1.5 (credential) = 1.2 → 1
		{"low, low confidence, secret", []finding.Finding{fnd("secrets", finding.Low, finding.ConfidenceLow, "API8:2023", "aws_secret_key")}, 99, "A"},
		{"suppressed findings do not count", []finding.Finding{suppressed}, 100, "A"},
		{"info costs nothing", []finding.Finding{fnd("banner", finding.Info, finding.ConfidenceHigh, "API8:2023", "email")}, 100, "A"},
		{"floor at zero", []finding.Finding{
			fnd("a", finding.Critical, finding.ConfidenceHigh, "API1:2023", "ssn"),
			fnd("b", finding.Critical, finding.ConfidenceHigh, "API1:2023", "ssn"),
			fnd("c", finding.Critical, finding.ConfidenceHigh, "API1:2023", "ssn"),
		}, 0, "F"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, g := Compute(tt.fs)
			if s != tt.score || g != tt.grade {
				t.Errorf("Compute = %d %s, want %d %s", s, g, tt.score, tt.grade)
			}
		})
	}
}

func TestComputeCategories(t *testing.T) {
	t.Parallel()
	fs := []finding.Finding{
		fnd("bola", finding.Critical, finding.ConfidenceHigh, "API1:2023", "email"),  // 36
		fnd("headers", finding.Medium, finding.ConfidenceHigh, "API8:2023 Security"), // 6
	}
	got := ComputeCategories(fs, []string{"API8:2023", "API1:2023", "API2:2023", "bogus"})
	want := []finding.CategoryScore{
		{ID: "API1:2023", Name: "Broken Object Level Authorization", Score: 64, Grade: "D", Findings: 1},
		{ID: "API2:2023", Name: "Broken Authentication", Score: 100, Grade: "A", Findings: 0},
		{ID: "API8:2023", Name: "Security Misconfiguration", Score: 94, Grade: "A", Findings: 1},
		{ID: DataExposure, Name: "Sensitive Data Exposure", Score: 64, Grade: "D", Findings: 1},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("categories (-want +got):\n%s", d)
	}
	r := &finding.Report{Findings: fs, Categories: got}
	Apply(r, nil)
	if r.Score != 58 || r.Grade != "F" || r.ScoreModel != ModelVersion || r.Summary.Total != 2 {
		t.Errorf("Apply: score %d grade %s model %s total %d", r.Score, r.Grade, r.ScoreModel, r.Summary.Total)
	}
	if d := cmp.Diff(want, r.Categories); d != "" {
		t.Errorf("Apply kept categories (-want +got):\n%s", d)
	}
}

func TestSensitivity(t *testing.T) {
	t.Parallel()
	for typ, want := range map[string]string{
		"email": SensitivityPersonal, "phone": SensitivityPersonal, "name": SensitivityPersonal,
		"ssn": SensitivityRegulated, "payment_card": SensitivityRegulated, "iban": SensitivityRegulated,
		"aws_access_key": SensitivityCredential, "password_hash": SensitivityCredential, "jwt": SensitivityCredential,
		"uk_nhs_number": SensitivityRegulated, "ca_sin": SensitivityRegulated, "uk_nino": SensitivityRegulated,
		"medical": SensitivityRegulated, "credential": SensitivityCredential, "secret": SensitivityCredential,
		"": SensitivityNone,
	} {
		if got := Sensitivity(typ); got != want {
			t.Errorf("Sensitivity(%q) = %s, want %s", typ, got, want)
		}
	}
}

func TestGradeBands(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		score int
		worst finding.Severity
		any   bool
		want  string
	}{
		{100, finding.Info, false, "A"}, {90, finding.Low, true, "A"}, {89, finding.Medium, true, "B"},
		{80, finding.Info, false, "B"}, {79, finding.Info, false, "C"}, {70, finding.Info, false, "C"},
		{69, finding.Info, false, "D"}, {60, finding.Info, false, "D"}, {59, finding.Info, false, "F"},
		{95, finding.High, true, "C"}, {95, finding.Critical, true, "D"}, {10, finding.Critical, true, "F"},
	} {
		if got := Grade(tt.score, tt.worst, tt.any); got != tt.want {
			t.Errorf("Grade(%d, %s, %v) = %s, want %s", tt.score, tt.worst, tt.any, got, tt.want)
		}
	}
}

func TestApplyIncompleteHasNoLetterGrade(t *testing.T) {
	t.Parallel()
	r := &finding.Report{}
	Apply(r, nil)
	if r.Grade != "A" {
		t.Fatalf("clean complete report: grade %q, want A", r.Grade)
	}
	r.MarkIncomplete("no API endpoint was found")
	r.MarkIncomplete("no API endpoint was found")
	Apply(r, nil)
	if r.Grade != finding.GradeIncomplete {
		t.Fatalf("grade %q, want %q", r.Grade, finding.GradeIncomplete)
	}
	if len(r.Incomplete) != 1 {
		t.Fatalf("reasons %q: a repeated reason must be kept once", r.Incomplete)
	}
}

func TestMarkNotTestedSurvivesApply(t *testing.T) {
	r := &finding.Report{}
	Apply(r, []string{"API1:2023", "API8:2023"})
	MarkNotTested(r, "API1:2023", "bola not tested: one identity")
	Apply(r, nil) // suppressions or a baseline recompute the categories
	for _, c := range r.Categories {
		switch c.ID {
		case "API1:2023":
			if c.Grade != finding.GradeNotTested || c.Score != 0 || c.NotTested == "" {
				t.Errorf("API1 = %+v, want not tested", c)
			}
		case "API8:2023":
			if c.Grade != "A" || c.NotTested != "" {
				t.Errorf("API8 = %+v, want a clean A", c)
			}
		}
	}
	// With a finding, the category keeps its grade and the reason.
	r.Findings = []finding.Finding{{Check: "bola-adjacent-id", Severity: finding.High, OWASP: "API1:2023"}}
	Apply(r, nil)
	for _, c := range r.Categories {
		if c.ID == "API1:2023" && (c.Grade == finding.GradeNotTested || c.NotTested == "") {
			t.Errorf("API1 with a finding = %+v, want its letter grade and the reason", c)
		}
	}
}
