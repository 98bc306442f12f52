package report

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/leakhound/leakhound/internal/finding"
)

func loadSARIFSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("sarif-schema-2.1.0.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// TestSARIFSchema validates SARIF logs against the official SARIF 2.1.0
// schema (OASIS, errata 01).
func TestSARIFSchema(t *testing.T) {
	sch := loadSARIFSchema(t)
	empty := &finding.Report{Tool: finding.Tool{Name: "leakhound", Version: "dev"}, Target: "http://127.0.0.1:1/"}
	for name, tc := range map[string]struct {
		r     *finding.Report
		rules bool
	}{
		"fixture":             {fixtureReport(), true},
		"fixture, no metas":   {fixtureReport(), false},
		"empty report":        {empty, false},
		"empty report, rules": {empty, true},
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			rs := SARIF{}
			if tc.rules {
				rs.Rules = fixtureRules()
			}
			if err := rs.Report(&buf, tc.r); err != nil {
				t.Fatal(err)
			}
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(inst); err != nil {
				t.Fatalf("SARIF does not validate: %v", err)
			}
		})
	}
}

// TestSARIFSchemaCatchesErrors makes sure the validation is not vacuous.
func TestSARIFSchemaCatchesErrors(t *testing.T) {
	sch := loadSARIFSchema(t)
	inst, _ := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(`{"version":"2.1.0","runs":[{"tool":{"driver":{}},"results":[{"level":"fatal"}]}]}`)))
	if err := sch.Validate(inst); err == nil {
		t.Fatal("an invalid log validated")
	}
}

// TestSARIFForCodeScanning checks what GitHub code scanning needs beyond the
// schema.
func TestSARIFForCodeScanning(t *testing.T) {
	var buf bytes.Buffer
	r := fixtureReport()
	if err := (SARIF{Rules: fixtureRules()}).Report(&buf, r); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID         string
						Help       struct{ Markdown string }
						Properties struct {
							Tags             []string
							SecuritySeverity string `json:"security-severity"`
						}
					}
				}
			}
			Results []struct {
				RuleID              string
				RuleIndex           int
				PartialFingerprints map[string]string
				Locations           []struct {
					PhysicalLocation struct{ ArtifactLocation struct{ URI string } }
					LogicalLocations []struct{ FullyQualifiedName string }
				}
				Suppressions []struct{ Justification string }
			}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if got, want := len(run.Tool.Driver.Rules), len(fixtureRules()); got != want {
		t.Errorf("%d rules, want %d", got, want)
	}
	for _, rule := range run.Tool.Driver.Rules {
		if rule.Help.Markdown == "" || rule.Properties.SecuritySeverity == "" || len(rule.Properties.Tags) < 3 {
			t.Errorf("rule %s lacks help, security-severity or CWE/OWASP tags: %+v", rule.ID, rule)
		}
	}
	if len(run.Results) != len(r.Findings) {
		t.Fatalf("%d results, want %d", len(run.Results), len(r.Findings))
	}
	suppressed := 0
	for i, res := range run.Results {
		f := r.Findings[i]
		if run.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("result %d: ruleIndex points at %s, ruleId is %s", i, run.Tool.Driver.Rules[res.RuleIndex].ID, res.RuleID)
		}
		if res.PartialFingerprints[fingerprintV] != f.Fingerprint || f.Fingerprint == "" {
			t.Errorf("result %d: fingerprint %v, want %s", i, res.PartialFingerprints, f.Fingerprint)
		}
		loc := res.Locations[0]
		if u := loc.PhysicalLocation.ArtifactLocation.URI; u == "" || bytes.Contains([]byte(u), []byte(":")) {
			t.Errorf("result %d: artifact uri %q must be a relative path", i, u)
		}
		if loc.LogicalLocations[0].FullyQualifiedName != f.Method+" "+f.Path {
			t.Errorf("result %d: logical location %q", i, loc.LogicalLocations[0].FullyQualifiedName)
		}
		if len(res.Suppressions) > 0 {
			suppressed++
		}
	}
	if suppressed != 1 {
		t.Errorf("%d suppressed results, want 1", suppressed)
	}
	for _, raw := range []string{"bob.martin@example.org", "123-45-6789", "4111 1111 1111 1111"} {
		if bytes.Contains(buf.Bytes(), []byte(raw)) {
			t.Errorf("SARIF leaks raw value %q", raw)
		}
	}
}

// TestSARIFCategoryStable: one code-scanning category per target, whatever
// port a loopback test server took, and --sarif-category wins.
func TestSARIFCategoryStable(t *testing.T) {
	t.Parallel()
	for target, want := range map[string]string{
		"http://127.0.0.1:41234/api":     "leakhound/http/127.0.0.1",
		"http://127.0.0.1:5000":          "leakhound/http/127.0.0.1",
		"http://localhost:8080/":         "leakhound/http/localhost",
		"http://[::1]:9000/":             "leakhound/http/::1",
		"https://api.example.test/v1":    "leakhound/https/api.example.test",
		"https://api.example.test:8443/": "leakhound/https/api.example.test:8443",
	} {
		if got := Category(target); got != want {
			t.Errorf("Category(%q) = %q, want %q", target, got, want)
		}
	}
	render := func(s SARIF, target string) map[string]any {
		var buf bytes.Buffer
		if err := s.Report(&buf, &finding.Report{Target: target}); err != nil {
			t.Fatal(err)
		}
		var log struct {
			Runs []map[string]any
		}
		if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
			t.Fatal(err)
		}
		return log.Runs[0]
	}
	run := render(SARIF{Category: "staging-api"}, "http://127.0.0.1:1234")
	if id := run["automationDetails"].(map[string]any)["id"]; id != "staging-api/" {
		t.Errorf("automationDetails.id %v, want the --sarif-category", id)
	}
	run = render(SARIF{}, "http://127.0.0.1:1234/api/v1")
	base := run["originalUriBaseIds"].(map[string]any)["TARGET"].(map[string]any)["uri"]
	if base != "http://127.0.0.1:1234/" {
		t.Errorf("originalUriBaseIds.TARGET %v, want the target's origin", base)
	}
}
