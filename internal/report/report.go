// Package report renders a finding.Report in every output format. Reporters
// write to an io.Writer and never open files; they only ever see masked
// evidence (finding.Value and finding.Evidence mask at construction).
package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/finding"
)

// Reporter renders a whole report.
type Reporter interface {
	Report(w io.Writer, r *finding.Report) error
}

// Options tune reporters that need more than the report.
type Options struct {
	// Color enables ANSI colour in the text format.
	Color bool
	// FailOn is the severity at or above which a finding fails the run
	// (JUnit failures use it).
	FailOn finding.Severity
	// Rules describes every check that ran (SARIF rules, JUnit test cases,
	// the HTML check filter). Checks that produced findings but are missing
	// here are described from their findings.
	Rules []check.Meta
	// Width is the text format's wrapping width (0: DefaultWidth).
	Width int
	// SARIFCategory overrides the SARIF run category (automationDetails.id).
	SARIFCategory string
}

type factory func(Options) Reporter

// formats is the one explicit list of output formats.
var formats = map[string]factory{
	"json":     func(Options) Reporter { return JSON{} },
	"text":     func(o Options) Reporter { return Text{Color: o.Color, Width: o.Width} },
	"sarif":    func(o Options) Reporter { return SARIF{Rules: o.Rules, Category: o.SARIFCategory} },
	"markdown": func(Options) Reporter { return Markdown{} },
	"junit":    func(o Options) Reporter { return JUnit{FailOn: o.FailOn, Rules: o.Rules} },
	"html":     func(o Options) Reporter { return HTML{Rules: o.Rules} },
}

// Formats lists the supported format names, sorted.
func Formats() []string {
	out := make([]string, 0, len(formats))
	for k := range formats {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// New returns the reporter for a format name.
func New(format string, o Options) (Reporter, error) {
	f, ok := formats[strings.ToLower(format)]
	if !ok {
		return nil, fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats(), ", "))
	}
	return f(o), nil
}
