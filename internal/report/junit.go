package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/finding"
)

// JUnit writes JUnit XML for CI test tabs: one test suite per check, one test
// case per check × endpoint where the check found something, and one passing
// case per clean check. A case fails when one of its unsuppressed findings is
// at or above FailOn; suppressed findings make a skipped case.
type JUnit struct {
	FailOn finding.Severity
	Rules  []check.Meta
}

var _ Reporter = JUnit{}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
	SystemErr  *cdata          `xml:"system-err,omitempty"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut *cdata        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// Report writes r as JUnit XML.
func (j JUnit) Report(w io.Writer, r *finding.Report) error {
	r = cleanReport(r) // nothing from the target drives a terminal or breaks a parser
	rules := rulesFor(j.Rules, r.Findings)
	out := junitSuites{Name: "leakhound", Time: fmt.Sprintf("%.3f", float64(r.DurationMS)/1000)}
	for _, m := range rules {
		suite := junitSuite{Name: m.ID, Properties: []junitProperty{
			{Name: "title", Value: m.Title},
			{Name: "severity", Value: m.Severity.String()},
			{Name: "cwe", Value: strings.Join(m.CWE, ",")},
			{Name: "owasp", Value: m.OWASP},
		}}
		if !r.StartedAt.IsZero() {
			suite.Timestamp = r.StartedAt.UTC().Format("2006-01-02T15:04:05")
		}
		byEndpoint := map[string][]*finding.Finding{}
		var eps []string
		for i := range r.Findings {
			f := &r.Findings[i]
			if f.Check != m.ID {
				continue
			}
			ep := endpoint(f)
			if _, ok := byEndpoint[ep]; !ok {
				eps = append(eps, ep)
			}
			byEndpoint[ep] = append(byEndpoint[ep], f)
		}
		slices.Sort(eps)
		if len(eps) == 0 {
			suite.Cases = append(suite.Cases, junitCase{Name: "all endpoints", Classname: "leakhound." + m.ID, Time: "0"})
		}
		for _, ep := range eps {
			suite.Cases = append(suite.Cases, j.testCase(m.ID, ep, byEndpoint[ep]))
		}
		for _, c := range suite.Cases {
			suite.Tests++
			switch {
			case c.Failure != nil:
				suite.Failures++
			case c.Skipped != nil:
				suite.Skipped++
			}
		}
		out.Tests += suite.Tests
		out.Failures += suite.Failures
		out.Skipped += suite.Skipped
		out.Suites = append(out.Suites, suite)
	}
	if len(r.SkippedOperations) > 0 || r.Coverage != nil {
		// What was not tested: each skipped operation is a skipped case.
		nt := junitSuite{Name: "not tested"}
		if c := r.Coverage; c != nil && len(c.EndpointsBySource) > 0 {
			nt.Properties = append(nt.Properties, junitProperty{Name: "coverage", Value: coverageLine(c)})
		}
		for _, op := range r.SkippedOperations {
			nt.Cases = append(nt.Cases, junitCase{Name: op.Method + " " + op.Path, Classname: "leakhound.skipped", Time: "0",
				Skipped: &junitSkipped{Message: op.Reason}})
		}
		if len(nt.Cases) > 0 || len(nt.Properties) > 0 {
			nt.Tests, nt.Skipped = len(nt.Cases), len(nt.Cases)
			out.Tests += nt.Tests
			out.Skipped += nt.Skipped
			out.Suites = append(out.Suites, nt)
		}
	}
	if len(r.Incomplete) > 0 {
		// First, so that a CI page shows it before the checks.
		scanSuite := junitSuite{Name: "scan", Tests: 1, Failures: 1,
			Cases: []junitCase{{Name: "complete scan", Classname: "leakhound.scan", Time: "0",
				Failure: &junitFailure{Message: "scan incomplete: no grade", Type: "incomplete", Text: strings.Join(r.Incomplete, "\n")}}}}
		if len(r.Errors) > 0 {
			scanSuite.SystemErr = &cdata{strings.Join(r.Errors, "\n")}
		}
		out.Suites = append([]junitSuite{scanSuite}, out.Suites...)
		out.Tests++
		out.Failures++
	} else if r.Partial {
		out.Suites = append(out.Suites, junitSuite{Name: "scan", Tests: 1, Errors: 1,
			Cases:     []junitCase{{Name: "complete scan", Classname: "leakhound.scan", Time: "0"}},
			SystemErr: &cdata{strings.Join(r.Errors, "\n")}})
		out.Tests++
		out.Errors++
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func (j JUnit) testCase(check, ep string, fs []*finding.Finding) junitCase {
	c := junitCase{Name: ep, Classname: "leakhound." + check, Time: "0"}
	var failing, passing, suppressed []*finding.Finding
	for _, f := range fs {
		switch {
		case f.Suppressed != nil:
			suppressed = append(suppressed, f)
		case f.Severity >= j.FailOn:
			failing = append(failing, f)
		default:
			passing = append(passing, f)
		}
	}
	switch {
	case len(failing) > 0:
		worst := failing[0].Severity
		var b strings.Builder
		for _, f := range failing {
			worst = max(worst, f.Severity)
			junitDetail(&b, f)
		}
		c.Failure = &junitFailure{
			Message: fmt.Sprintf("%s: %s (%d finding(s))", worst, failing[0].Title, len(failing)),
			Type:    worst.String(),
			Text:    b.String(),
		}
	case len(passing) == 0 && len(suppressed) > 0:
		reasons := make([]string, 0, len(suppressed))
		for _, f := range suppressed {
			reasons = append(reasons, f.Suppressed.Reason)
		}
		c.Skipped = &junitSkipped{Message: "suppressed: " + strings.Join(slices.Compact(reasons), "; ")}
	}
	if len(passing) > 0 {
		var b strings.Builder
		b.WriteString("below the failure threshold:\n")
		for _, f := range passing {
			junitDetail(&b, f)
		}
		c.SystemOut = &cdata{b.String()}
	}
	return c
}

func junitDetail(b *strings.Builder, f *finding.Finding) {
	fmt.Fprintf(b, "[%s] %s — %s", f.Severity, f.Title, endpoint(f))
	if f.Identity != "" {
		fmt.Fprintf(b, " as %s", f.Identity)
	}
	if f.Subject != "" {
		fmt.Fprintf(b, " (%s)", f.Subject)
	}
	fmt.Fprintf(b, "\n  fingerprint %s · %s · %s · confidence %s\n", f.Fingerprint, strings.Join(f.CWE, ", "), f.OWASP, f.Confidence)
	for _, v := range f.Evidence.Values {
		fmt.Fprintf(b, "  %s %s: %s\n", v.JSONPath, v.Type, v.Masked)
	}
	if f.Reproduce != "" {
		fmt.Fprintf(b, "  $ %s\n", f.Reproduce)
	}
	if f.Remediation != "" {
		fmt.Fprintf(b, "  fix: %s\n", strings.ReplaceAll(strings.TrimSpace(f.Remediation), "\n", "\n       "))
	}
}

type cdata struct {
	Text string `xml:",cdata"`
}
