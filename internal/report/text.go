package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/leakhound/leakhound/internal/finding"
)

// Text is the human report: grouped by severity, wrapped for an 80-column
// terminal, colour only when asked (the CLI asks on a TTY), one summary line
// at the end.
type Text struct{ Color bool }

var _ Reporter = Text{}

const width = 80

var sevColor = map[finding.Severity]string{
	finding.Critical: "\x1b[1;35m",
	finding.High:     "\x1b[1;31m",
	finding.Medium:   "\x1b[33m",
	finding.Low:      "\x1b[36m",
	finding.Info:     "\x1b[2m",
}

// Report writes r as plain text.
func (t Text) Report(w io.Writer, r *finding.Report) error {
	r = sanitize(r) // nothing from the target drives a terminal or breaks a parser
	bw := bufio.NewWriter(w)
	paint := func(s string, sev finding.Severity) string {
		if !t.Color {
			return s
		}
		return sevColor[sev] + s + "\x1b[0m"
	}
	fmt.Fprintf(bw, "leakhound %s — %s\n", r.Tool.Version, r.Target)
	fmt.Fprintf(bw, "%d endpoints, %d requests, %.1fs\n", r.Endpoints, r.RequestsSent, float64(r.DurationMS)/1000)
	for _, why := range r.Incomplete {
		writeWrapped(bw, "INCOMPLETE SCAN: ", why)
	}
	if r.Partial {
		fmt.Fprintf(bw, "PARTIAL SCAN: %s\n", strings.Join(r.Errors, "; "))
	} else {
		// Warnings of a complete scan (a dead or duplicate identity).
		for _, e := range r.Errors {
			writeWrapped(bw, "WARNING: ", e)
		}
	}
	shownFix := map[string]bool{}
	for _, sev := range finding.Severities() {
		var group []finding.Finding
		for _, f := range r.Findings {
			if f.Severity == sev && f.Suppressed == nil {
				group = append(group, f)
			}
		}
		if len(group) == 0 {
			continue
		}
		fmt.Fprintf(bw, "\n%s (%d)\n", paint(strings.ToUpper(sev.String()), sev), len(group))
		for _, f := range group {
			writeFinding(bw, f, paint, shownFix)
		}
	}
	if b := r.Baseline; b != nil {
		fmt.Fprintf(bw, "\nbaseline %s: %d new, %d unchanged, %d fixed\n", b.Source, b.New, b.Unchanged, len(b.Fixed))
		for _, f := range b.Fixed {
			fmt.Fprintf(bw, "  fixed: [%s] %s — %s %s\n", f.Check, f.Title, f.Method, f.Path)
		}
	}
	if n := len(r.Findings) - r.Summary.Total; n > 0 {
		fmt.Fprintf(bw, "\n%d suppressed finding(s) not shown\n", n)
	}
	s := r.Summary
	if len(r.Incomplete) > 0 {
		fmt.Fprintf(bw, "\nno grade: the scan is incomplete — %d findings: %d critical, %d high, %d medium, %d low, %d info\n",
			s.Total, s.Critical, s.High, s.Medium, s.Low, s.Info)
		return bw.Flush()
	}
	fmt.Fprintf(bw, "\nscore %d/100 (grade %s) — %d findings: %d critical, %d high, %d medium, %d low, %d info\n",
		r.Score, r.Grade, s.Total, s.Critical, s.High, s.Medium, s.Low, s.Info)
	return bw.Flush()
}

// maxValues bounds the evidence values listed per finding in text.
const maxValues = 6

// writeFinding writes one finding. A check's remediation is written in full
// once; later findings of the same check point back to it.
func writeFinding(w io.Writer, f finding.Finding, paint func(string, finding.Severity) string, shownFix map[string]bool) {
	tag := fmt.Sprintf("[%s]", f.Check)
	fmt.Fprintf(w, "\n  %s %s\n", paint(tag, f.Severity), f.Title)
	fmt.Fprintf(w, "    %s %s", f.Method, f.Path)
	if f.Identity != "" {
		fmt.Fprintf(w, " as %s", f.Identity)
	}
	if n := max(f.Occurrences, len(f.Instances)); n > 1 {
		fmt.Fprintf(w, " (+%d more)", n-1)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "    %s · confidence %s · %s\n", strings.Join(f.CWE, ", "), f.Confidence, f.OWASP)
	for i, v := range f.Evidence.Values {
		if i == maxValues {
			fmt.Fprintf(w, "    · … %d more values (see the JSON report)\n", len(f.Evidence.Values)-maxValues)
			break
		}
		line := v.Type + ": " + v.Masked
		if v.JSONPath != "" {
			line = v.JSONPath + " " + line
		}
		writeWrapped(w, "    · ", line)
	}
	if f.Evidence.Excerpt != "" && len(f.Evidence.Values) == 0 {
		writeWrapped(w, "    > ", oneLine(f.Evidence.Excerpt, 300))
	}
	if f.Reproduce != "" {
		writeWrapped(w, "    $ ", f.Reproduce)
	}
	switch {
	case f.Remediation == "":
	case shownFix[f.Check]:
		fmt.Fprintf(w, "    fix: as for [%s] above\n", f.Check)
	default:
		shownFix[f.Check] = true
		writeRemediation(w, f.Remediation)
	}
}

func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > max {
		return string(r[:max]) + "…"
	}
	return s
}

// writeWrapped writes s after prefix, wrapping on spaces at the terminal
// width and indenting continuation lines under the first.
func writeWrapped(w io.Writer, prefix, s string) {
	indent := strings.Repeat(" ", len([]rune(prefix)))
	line := prefix
	empty := true
	for _, word := range strings.Fields(s) {
		if !empty && len([]rune(line))+1+len([]rune(word)) > width {
			fmt.Fprintln(w, line)
			line, empty = indent, true
		}
		if !empty {
			line += " "
		}
		line += word
		empty = false
	}
	fmt.Fprintln(w, line)
}

// writeRemediation writes the prose of a remediation wrapped, and its code
// blocks verbatim and indented, without the Markdown fences.
func writeRemediation(w io.Writer, md string) {
	prefix := "    fix: "
	inCode := false
	var para []string
	flush := func() {
		if len(para) > 0 {
			writeWrapped(w, prefix, strings.Join(para, " "))
			prefix, para = "         ", nil
		}
	}
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			flush()
			inCode = !inCode
			continue
		}
		if inCode {
			fmt.Fprintln(w, "           "+line)
			continue
		}
		if strings.TrimSpace(line) == "" {
			flush()
			continue
		}
		para = append(para, line)
	}
	flush()
}
