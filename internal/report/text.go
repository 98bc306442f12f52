package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/leakhound/leakhound/internal/finding"
)

// Text is the human report: grouped by severity, prose wrapped to Width
// columns (commands never: a curl line stays one line, so it can be copied),
// Markdown tables drawn as aligned columns, colour only when asked (the CLI
// asks on a TTY), one summary line at the end.
type Text struct {
	Color bool
	// Width is the column count prose is wrapped at (0: DefaultWidth).
	Width int
}

var _ Reporter = Text{}

// DefaultWidth is the wrapping width when the terminal's is unknown.
const DefaultWidth = 80

// textOut writes one text report at its width.
type textOut struct {
	w     io.Writer
	width int
}

var sevColor = map[finding.Severity]string{
	finding.Critical: "\x1b[1;35m",
	finding.High:     "\x1b[1;31m",
	finding.Medium:   "\x1b[33m",
	finding.Low:      "\x1b[36m",
	finding.Info:     "\x1b[2m",
}

// Report writes r as plain text.
func (t Text) Report(w io.Writer, r *finding.Report) error {
	r = cleanReport(r) // nothing from the target drives a terminal or breaks a parser
	bw := bufio.NewWriter(w)
	out := textOut{w: bw, width: t.Width}
	if out.width <= 20 {
		out.width = DefaultWidth
	}
	paint := func(s string, sev finding.Severity) string {
		if !t.Color {
			return s
		}
		return sevColor[sev] + s + "\x1b[0m"
	}
	fmt.Fprintf(bw, "leakhound %s — %s\n", r.Tool.Version, r.Target)
	fmt.Fprintf(bw, "%d endpoints, %d requests, %.1fs\n", r.Endpoints, r.RequestsSent, float64(r.DurationMS)/1000)
	if c := r.Coverage; c != nil && len(c.EndpointsBySource) > 0 {
		fmt.Fprintf(bw, "coverage: %s\n", coverageLine(c))
	}
	for _, why := range r.Incomplete {
		out.wrapped("INCOMPLETE SCAN: ", why)
	}
	if r.Partial {
		fmt.Fprintf(bw, "PARTIAL SCAN: %s\n", strings.Join(r.Errors, "; "))
	} else {
		// Warnings of a complete scan (a dead or duplicate identity).
		for _, e := range r.Errors {
			out.wrapped("WARNING: ", e)
		}
	}
	for _, e := range r.Warnings {
		out.wrapped("WARNING: ", e)
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
			out.finding(f, paint, shownFix)
		}
	}
	if b := r.Baseline; b != nil {
		fmt.Fprintf(bw, "\nbaseline %s: %d new, %d unchanged, %d fixed\n", b.Source, b.New, b.Unchanged, len(b.Fixed))
		for _, f := range b.Fixed {
			fmt.Fprintf(bw, "  fixed: [%s] %s — %s %s\n", f.Check, f.Title, f.Method, f.Path)
		}
		if len(b.NotRetested) > 0 {
			out.wrapped("", fmt.Sprintf("%d finding(s) of the baseline were not re-tested (their operation did not answer this time), so they are not counted as fixed:", len(b.NotRetested)))
		}
		for _, f := range b.NotRetested {
			fmt.Fprintf(bw, "  not re-tested: [%s] %s — %s %s\n", f.Check, f.Title, f.Method, f.Path)
		}
	}
	if n := len(r.Findings) - r.Summary.Total; n > 0 {
		fmt.Fprintf(bw, "\n%d suppressed finding(s) not shown\n", n)
	}
	out.safety(r)
	s := r.Summary
	if len(r.Incomplete) > 0 {
		fmt.Fprintln(bw)
		out.wrapped("", fmt.Sprintf("no grade: the scan is incomplete — %d findings: %d critical, %d high, %d medium, %d low, %d info",
			s.Total, s.Critical, s.High, s.Medium, s.Low, s.Info))
		return bw.Flush()
	}
	fmt.Fprintln(bw)
	out.wrapped("", fmt.Sprintf("score %d/100 (grade %s) — %d findings: %d critical, %d high, %d medium, %d low, %d info",
		r.Score, r.Grade, s.Total, s.Critical, s.High, s.Medium, s.Low, s.Info))
	return bw.Flush()
}

// maxValues bounds the evidence values listed per finding in text.
const maxValues = 6

// finding writes one finding. A remediation is written in full once;
// later findings of the same check with the same remediation point back to
// it.
func (o textOut) finding(f finding.Finding, paint func(string, finding.Severity) string, shownFix map[string]bool) {
	w := o.w
	tag := fmt.Sprintf("[%s]", f.Check)
	fmt.Fprintln(w)
	// The title wraps under itself; the tag is painted after wrapping so
	// escape codes do not count as columns.
	var title strings.Builder
	textOut{w: &title, width: o.width}.wrapped("  "+tag+" ", f.Title)
	fmt.Fprint(w, strings.Replace(title.String(), tag, paint(tag, f.Severity), 1))
	fmt.Fprintf(w, "    %s %s", f.Method, f.Path)
	if f.Identity != "" {
		fmt.Fprintf(w, " as %s", f.Identity)
	}
	if n := max(f.Occurrences, len(f.Instances)); n > 1 {
		fmt.Fprintf(w, " (+%d more)", n-1)
	}
	fmt.Fprintln(w)
	if f.OWASP != "" {
		fmt.Fprintf(w, "    %s · confidence %s · %s\n", strings.Join(f.CWE, ", "), f.Confidence, f.OWASP)
	} else {
		fmt.Fprintf(w, "    %s · confidence %s\n", strings.Join(f.CWE, ", "), f.Confidence)
	}
	for i, v := range f.Evidence.Values {
		if i == maxValues {
			fmt.Fprintf(w, "    · … %d more values (see the JSON report)\n", len(f.Evidence.Values)-maxValues)
			break
		}
		line := v.Type + ": " + v.Masked
		if v.JSONPath != "" {
			line = v.JSONPath + " " + line
		}
		o.wrapped("    · ", line)
	}
	if f.Evidence.Excerpt != "" && len(f.Evidence.Values) == 0 {
		o.excerpt(f.Evidence.Excerpt)
	}
	if f.Reproduce != "" {
		// A command is never wrapped: it is copied and pasted whole. Its
		// preamble lines (export …, comments) are indented alike.
		fmt.Fprintf(w, "    $ %s\n", strings.ReplaceAll(f.Reproduce, "\n", "\n      "))
	}
	// A remediation made concrete for one finding (the audits' per-table
	// remedies) is written again when it differs from the one above.
	switch key := f.Check + "\x00" + f.Remediation; {
	case f.Remediation == "":
	case shownFix[key]:
		fmt.Fprintf(w, "    fix: as for [%s] above\n", f.Check)
	default:
		shownFix[key] = true
		o.remediation(f.Remediation)
	}
}

// maxExcerptLines bounds the lines of a multi-line excerpt in text.
const maxExcerptLines = 12

// excerpt writes evidence: a one-line excerpt wrapped as prose; a
// multi-line one (a comparison table, a traceback) line by line, so its
// columns stay aligned, each line cut at the width.
func (o textOut) excerpt(s string) {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) == 1 {
		o.wrapped("    > ", oneLine(s, 300))
		return
	}
	for i, line := range lines {
		if i == maxExcerptLines {
			fmt.Fprintf(o.w, "    > … %d more lines (see the JSON report)\n", len(lines)-maxExcerptLines)
			break
		}
		line = strings.TrimRight(strings.ReplaceAll(line, "\t", "    "), " ")
		if r := []rune(line); len(r) > o.width-6 {
			line = string(r[:o.width-7]) + "…"
		}
		fmt.Fprintln(o.w, "    > "+line)
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
func (o textOut) wrapped(prefix, s string) {
	w := o.w
	indent := strings.Repeat(" ", len([]rune(prefix)))
	line := prefix
	empty := true
	for _, word := range strings.Fields(s) {
		if !empty && len([]rune(line))+1+len([]rune(word)) > o.width {
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

// remediation writes the prose of a remediation wrapped, its code blocks
// verbatim and indented, without the Markdown fences, and its Markdown
// tables as aligned columns.
func (o textOut) remediation(md string) {
	w := o.w
	prefix := "    fix: "
	inCode := false
	var para []string
	var table [][]string
	flush := func() {
		if len(para) > 0 {
			o.wrapped(prefix, strings.Join(para, " "))
			prefix, para = "         ", nil
		}
		if len(table) > 0 {
			if prefix != "         " {
				fmt.Fprintln(w, strings.TrimRight(prefix, " "))
				prefix = "         "
			}
			writeTable(w, "           ", table)
			table = nil
		}
	}
	for _, line := range strings.Split(md, "\n") {
		if t := strings.TrimSpace(line); !inCode && strings.HasPrefix(t, "|") {
			if len(para) > 0 {
				o.wrapped(prefix, strings.Join(para, " "))
				prefix, para = "         ", nil
			}
			if !isTableRule(t) {
				table = append(table, tableCells(t))
			}
			continue
		}
		if len(table) > 0 {
			flush()
		}
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

// maxSkipped bounds the skipped operations listed in text.
const maxSkipped = 40

// safety lists what the safety policy kept from being sent, the write
// journal and what the scan created and could not remove (docs/safety.md).
func (o textOut) safety(r *finding.Report) {
	w := o.w
	if len(r.SkippedOperations) > 0 {
		fmt.Fprintf(w, "\nskipped operations: %d; %d requests refused before the wire\n", len(r.SkippedOperations), r.RequestsRefused)
		for i, s := range r.SkippedOperations {
			if i == maxSkipped {
				fmt.Fprintf(w, "  … %d more (see the JSON report)\n", len(r.SkippedOperations)-maxSkipped)
				break
			}
			o.wrapped("  ", s.Method+" "+s.Path+" — "+s.Reason)
		}
	}
	if len(r.Writes) == 0 {
		return
	}
	fmt.Fprintf(w, "\nwrites: %d (journal)\n", len(r.Writes))
	var left []finding.Write
	for _, wr := range r.Writes {
		line := fmt.Sprintf("#%d %s %s as %s → %d — %s", wr.Seq, wr.Method, wr.URL, wr.Identity, wr.Status, wr.Purpose)
		switch {
		case wr.RestoreVerified != nil && *wr.RestoreVerified:
			line += "; restored, verified"
		case wr.RestoreVerified != nil:
			line += "; RESTORE NOT VERIFIED: check by hand"
		case wr.RestoreRequest != "":
			line += "; restored, not verified"
		}
		if wr.Created != "" {
			line += "; created " + wr.Created
			if wr.Removed != nil && *wr.Removed {
				line += ", removed"
			}
		}
		o.wrapped("  ", line)
		if wr.Created != "" && (wr.Removed == nil || !*wr.Removed) {
			left = append(left, wr)
		}
	}
	if len(left) > 0 {
		fmt.Fprintf(w, "\nleft on the target (created by the scan, not removed): %d\n", len(left))
		for _, wr := range left {
			o.wrapped("  ", fmt.Sprintf("%s — created by #%d %s %s as %s", wr.Created, wr.Seq, wr.Method, wr.URL, wr.Identity))
		}
	}
}

// tableCells splits a Markdown table row into trimmed cells.
func tableCells(row string) []string {
	row = strings.TrimSuffix(strings.TrimPrefix(row, "|"), "|")
	cells := strings.Split(row, "|")
	for i, c := range cells {
		cells[i] = strings.TrimSpace(c)
	}
	return cells
}

// isTableRule reports whether a Markdown table row is the header rule
// (|---|:--:|).
func isTableRule(row string) bool {
	return strings.Trim(row, "|-: ") == "" && strings.Contains(row, "-")
}

// writeTable writes rows as left-aligned columns two spaces apart, the
// first row (the header) underlined.
func writeTable(w io.Writer, indent string, rows [][]string) {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	line := func(cells []string) {
		var b strings.Builder
		b.WriteString(indent)
		for i, c := range cells {
			b.WriteString(c)
			if i < len(cells)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-len([]rune(c))+2))
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	for i, r := range rows {
		line(r)
		if i == 0 && len(rows) > 1 {
			rule := make([]string, len(widths))
			for j, n := range widths {
				rule[j] = strings.Repeat("-", n)
			}
			line(rule)
		}
	}
}

// coverageLine says in one line where the endpoints came from, how many
// answered and how many identities were verified.
func coverageLine(c *finding.Coverage) string {
	var parts []string
	for _, src := range []string{"target", "spec", "har", "postman", "discovery", "harvest"} {
		if n := c.EndpointsBySource[src]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", src, n))
		}
	}
	line := fmt.Sprintf("endpoints from %s; %d operations answered (%d not HTML)", strings.Join(parts, ", "), c.OperationsTested, c.APIOperations)
	if c.Identities > 0 {
		line += fmt.Sprintf("; identities verified %d of %d", c.IdentitiesVerified, c.Identities)
	}
	if len(c.AuthHeaders) > 0 {
		line += "; credential headers named by the API: " + strings.Join(c.AuthHeaders, ", ")
	}
	return line
}
