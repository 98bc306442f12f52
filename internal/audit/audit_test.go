package audit

import (
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/finding"
)

func TestSeverity(t *testing.T) {
	for typ, want := range map[string]finding.Severity{
		string(detect.TypeSSN): finding.High, string(detect.TypeCard): finding.High, string(detect.TypePassport): finding.High,
		string(detect.TypeAWSKeyID): finding.High, string(detect.TypePasswordHash): finding.High, string(detect.TypePassword): finding.High,
		string(detect.TypeEmail): finding.Medium, string(detect.TypePhone): finding.Medium, string(detect.TypeDOB): finding.Medium,
		string(detect.TypeAddress): finding.Medium, string(detect.TypeGeo): finding.Medium,
		string(detect.TypeName): finding.Low, string(detect.TypeIP): finding.Low,
		string(detect.TypeTraceback): finding.Info, "": finding.Info,
	} {
		if got := Severity(typ); got != want {
			t.Errorf("Severity(%q) = %s, want %s", typ, got, want)
		}
	}
	if Sensitive(string(detect.TypeTraceback)) || Sensitive(string(detect.TypeDynamoTable)) || !Sensitive(string(detect.TypeEmail)) || !Sensitive(string(detect.TypeJWT)) {
		t.Errorf("Sensitive: artefacts are not reported, personal data and credentials are")
	}
}

func TestReport(t *testing.T) {
	fs := []finding.Finding{
		{Check: DynamoNoCMK, Severity: finding.Info, Path: "dynamodb://t", CWE: []string{"CWE-312"}},
		{Check: DynamoCleartext, Severity: finding.High, Path: "dynamodb://t/ssn", Subject: "ssn", CWE: []string{"CWE-312"}},
	}
	r := Report("v1", "http://127.0.0.1:8000", 1, 7, time.Now(), fs)
	if r.Findings[0].Check != DynamoCleartext || r.Findings[0].Method != Method || r.Findings[0].Fingerprint == "" {
		t.Fatalf("findings not sorted, located or fingerprinted: %+v", r.Findings[0])
	}
	again := Report("v2", "elsewhere", 1, 7, time.Now(), []finding.Finding{{Check: DynamoCleartext, Severity: finding.High, Path: "dynamodb://t/ssn", Subject: "ssn", CWE: []string{"CWE-312"}}})
	if again.Findings[0].Fingerprint != r.Findings[0].Fingerprint {
		t.Errorf("fingerprint depends on the run")
	}
	if r.Summary.High != 1 || r.Summary.Info != 1 || r.Grade == "" || r.Grade == finding.GradeIncomplete || r.Endpoints != 1 || r.RequestsSent != 7 {
		t.Errorf("report: %+v", r)
	}
	empty := Report("v1", "x", 0, 0, time.Now(), nil)
	if empty.Findings == nil || empty.Summary.Total != 0 {
		t.Errorf("empty report: %+v", empty)
	}
	// Every rule has a CWE from the taxonomy and a remediation.
	for _, m := range append(DynamoDBRules(), LogRules()...) {
		if len(m.CWE) == 0 || m.Remediation == "" || m.Title == "" {
			t.Errorf("rule %s incomplete", m.ID)
		}
	}
}
