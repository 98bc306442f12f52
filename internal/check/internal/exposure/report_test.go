package exposure_test

import (
	"bytes"
	"encoding/json"
	"html"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/credentialexposure"
	"github.com/leakhound/leakhound/internal/check/piiexposure"
	"github.com/leakhound/leakhound/internal/check/piiunauthenticated"
	"github.com/leakhound/leakhound/internal/check/rawdatastore"
	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/report"
	"github.com/leakhound/leakhound/internal/testapi"
	"github.com/leakhound/leakhound/internal/testapi/scantest"
)

// plantedRaw lists every sensitive value the test API's vulnerable variant
// serves, plus the ones planted by hand below.
func plantedRaw(d *testapi.Data) []string {
	var out []string
	for _, p := range d.People {
		out = append(out, p.Email, p.SSN, p.Phone, p.Card, strings.ReplaceAll(p.Card, " ", ""), p.PasswordHash, p.Address, p.DOB)
	}
	return append(out, "AKIAQ4XN7Z2MBV5KR3TW", "hT3v9Lq2Xw8Rk5Zp1Nm7Bc4Yd6Fg0Js2Ka9Ve3Uq", handSSN, handEmail, handKey)
}

const (
	handSSN   = "529-71-4407"
	handEmail = "katarzyna.nowak@gmx.de"
	handKey   = "ghp_R8sWq2Lm4Np6Tv8Xz0Bc2De4Fg6Hj8Kl0Mn2"
)

// forms returns the ways a value can be written in a report: as is,
// JSON-escaped and HTML-escaped.
func forms(raw string) []string {
	j, _ := json.Marshal(raw)
	return []string{raw, strings.Trim(string(j), `"`), html.EscapeString(raw)}
}

// Every report format renders the sensitive-data findings without a raw
// value: neither the planted values nor anything the detectors find in the
// rendered output.
func TestReportsNeverShowRawValues(t *testing.T) {
	checks := []check.Passive{piiexposure.New(), credentialexposure.New(), piiunauthenticated.New(), rawdatastore.New()}
	rep, api := scantest.Run(t, testapi.Vulnerable, scantest.Options{Passive: checks})
	if len(rep.Findings) == 0 {
		t.Fatal("no findings to render")
	}
	// A finding built by hand, with raw values in every evidence field.
	hand := finding.Finding{Check: "pii-exposure", Title: "planted", Severity: finding.High, CWE: []string{"CWE-359"}, Method: "GET", Path: "/x"}
	vals := []finding.Value{finding.NewValue("ssn", "$.ssn", handSSN), finding.NewValue("email", "$.email", handEmail), finding.NewValue(string(detect.TypeGitHub), "$.k", handKey)}
	hand.Evidence = finding.NewEvidence("GET /x", 200, `{"ssn":"`+handSSN+`","email":"`+handEmail+`","k":"`+handKey+`"}`, vals)
	rep.Findings = append(rep.Findings, hand)

	var metas []check.Meta
	for _, c := range checks {
		metas = append(metas, c.Meta())
	}
	planted := plantedRaw(api.Data)
	for _, format := range report.Formats() {
		t.Run(format, func(t *testing.T) {
			r, err := report.New(format, report.Options{Rules: metas, FailOn: finding.Low})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := r.Report(&buf, rep); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			for _, raw := range planted {
				if raw == "" {
					continue
				}
				for _, f := range forms(raw) {
					if strings.Contains(out, f) {
						t.Errorf("%s report contains a planted raw value (%s)", format, finding.Mask("secret", raw))
					}
				}
			}
			for _, m := range detect.Scan(buf.Bytes(), "").Matches {
				if m.Category != detect.Artefact && m.Confidence >= finding.ConfidenceMedium {
					t.Errorf("%s report: the detectors find a %s (%s) at %s", format, m.Type, m.Masked(), m.Path)
				}
			}
		})
	}
}
