package report

import (
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/leakhound/leakhound/internal/finding"
)

// MarkdownLimit is the largest Markdown report, in characters: GitHub
// refuses longer PR comments and job summaries.
const MarkdownLimit = 65000

// Markdown is a compact report for pull request comments and job summaries:
// a score line, counts, then findings most severe first, each in a
// collapsible block. It stays under MarkdownLimit by dropping the least
// severe findings and saying so.
type Markdown struct {
	// Limit overrides MarkdownLimit when positive (tests).
	Limit int
}

var _ Reporter = Markdown{}

var sevBadge = map[finding.Severity]string{
	finding.Critical: "🟣 Critical",
	finding.High:     "🔴 High",
	finding.Medium:   "🟠 Medium",
	finding.Low:      "🔵 Low",
	finding.Info:     "⚪ Info",
}

// mdEscape makes s safe as Markdown inline text and inside HTML tags.
func mdEscape(s string) string {
	s = html.EscapeString(s)
	r := strings.NewReplacer("|", `\|`, "*", `\*`, "_", `\_`, "`", "&#96;", "[", `\[`, "]", `\]`, "\n", " ", "\r", "")
	return r.Replace(s)
}

// fence returns a code fence longer than any backtick run in s.
func fence(s string) string {
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}

func codeBlock(lang, s string) string {
	f := fence(s)
	return f + lang + "\n" + strings.TrimRight(s, "\n") + "\n" + f + "\n"
}

// Report writes r as GitHub-flavoured Markdown.
func (m Markdown) Report(w io.Writer, r *finding.Report) error {
	r = cleanReport(r) // nothing from the target drives a terminal or breaks a parser
	limit := m.Limit
	if limit <= 0 {
		limit = MarkdownLimit
	}
	var head strings.Builder
	if len(r.Incomplete) > 0 {
		head.WriteString("## leakhound: incomplete scan, no grade\n\n> [!CAUTION]\n> **Incomplete scan:** the scan cannot vouch for the target.\n")
		for _, why := range r.Incomplete {
			fmt.Fprintf(&head, "> - %s\n", mdEscape(why))
		}
		head.WriteString("\n")
	} else {
		fmt.Fprintf(&head, "## leakhound: grade %s (%d/100)\n\n", r.Grade, r.Score)
	}
	fmt.Fprintf(&head, "**Target:** `%s` · %d endpoints · %d requests · %.1fs", strings.ReplaceAll(r.Target, "`", ""), r.Endpoints, r.RequestsSent, float64(r.DurationMS)/1000)
	if r.Tool.Version != "" {
		fmt.Fprintf(&head, " · leakhound %s", mdEscape(r.Tool.Version))
	}
	head.WriteString("\n\n")
	if r.Partial {
		fmt.Fprintf(&head, "> [!WARNING]\n> Partial scan: %s\n\n", mdEscape(strings.Join(r.Errors, "; ")))
	} else if len(r.Errors) > 0 {
		fmt.Fprintf(&head, "> [!WARNING]\n> %s\n\n", mdEscape(strings.Join(r.Errors, "; ")))
	}
	if c := r.Coverage; c != nil && len(c.EndpointsBySource) > 0 {
		fmt.Fprintf(&head, "**Coverage:** %s\n\n", mdEscape(coverageLine(c)))
	}
	for _, wn := range r.Warnings {
		fmt.Fprintf(&head, "> [!NOTE]\n> %s\n\n", mdEscape(wn))
	}
	head.WriteString("| Severity | Findings |\n|---|---:|\n")
	for _, sev := range finding.Severities() {
		fmt.Fprintf(&head, "| %s | %d |\n", sevBadge[sev], r.Summary.Count(sev))
	}
	fmt.Fprintf(&head, "| **Total** | **%d** |\n\n", r.Summary.Total)
	if b := r.Baseline; b != nil {
		fmt.Fprintf(&head, "Compared with baseline%s: **%d new**, %d unchanged, **%d fixed**.\n\n", sourceSuffix(b.Source), b.New, b.Unchanged, len(b.Fixed))
	}
	if len(r.Categories) > 0 {
		head.WriteString("<details><summary>Scores by category</summary>\n\n| Category | Score | Grade | Findings |\n|---|---:|:---:|---:|\n")
		for _, c := range r.Categories {
			fmt.Fprintf(&head, "| %s %s | %d | %s | %d |\n", mdEscape(c.ID), mdEscape(c.Name), c.Score, c.Grade, c.Findings)
		}
		head.WriteString("\n</details>\n\n")
	}

	var tail strings.Builder
	if b := r.Baseline; b != nil && len(b.Fixed) > 0 {
		fmt.Fprintf(&tail, "<details><summary>✅ %d fixed since the baseline</summary>\n\n", len(b.Fixed))
		for _, f := range b.Fixed {
			fmt.Fprintf(&tail, "- %s `%s` %s — <code>%s</code>\n", sevBadge[f.Severity], f.Check, mdEscape(f.Title), html.EscapeString(f.Method+" "+f.Path))
		}
		tail.WriteString("\n</details>\n\n")
	}
	var suppressed []*finding.Finding
	for i := range r.Findings {
		if r.Findings[i].Suppressed != nil {
			suppressed = append(suppressed, &r.Findings[i])
		}
	}
	if len(suppressed) > 0 {
		fmt.Fprintf(&tail, "<details><summary>%d suppressed</summary>\n\n", len(suppressed))
		for _, f := range suppressed {
			fmt.Fprintf(&tail, "- `%s` <code>%s</code> — %s", f.Check, html.EscapeString(endpoint(f)), mdEscape(f.Suppressed.Reason))
			if f.Suppressed.Expires != "" {
				fmt.Fprintf(&tail, " (until %s)", mdEscape(f.Suppressed.Expires))
			}
			tail.WriteString("\n")
		}
		tail.WriteString("\n</details>\n\n")
	}
	if len(r.SkippedOperations) > 0 {
		// What was not tested, as in every other format.
		fmt.Fprintf(&tail, "<details><summary>Not tested: %d skipped operations, %d requests refused before the wire</summary>\n\n", len(r.SkippedOperations), r.RequestsRefused)
		for i, op := range r.SkippedOperations {
			if i == maxSkipped {
				fmt.Fprintf(&tail, "- … %d more (see the JSON report)\n", len(r.SkippedOperations)-maxSkipped)
				break
			}
			fmt.Fprintf(&tail, "- <code>%s</code> — %s\n", html.EscapeString(op.Method+" "+op.Path), mdEscape(op.Reason))
		}
		tail.WriteString("\n</details>\n\n")
	}
	tail.WriteString("<sub>Evidence is masked. Score model " + mdEscape(r.ScoreModel) + " — see docs/scoring.md.</sub>\n")

	var body strings.Builder
	active := 0
	for i := range r.Findings {
		if r.Findings[i].Suppressed == nil {
			active++
		}
	}
	if active == 0 {
		body.WriteString("No findings. 🎉\n\n")
	} else {
		body.WriteString("### Findings\n\n")
	}
	budget := limit - len([]rune(head.String())) - len([]rune(tail.String())) - 200
	shown := 0
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.Suppressed != nil {
			continue
		}
		block := mdFinding(f)
		if len([]rune(body.String()))+len([]rune(block)) > budget {
			break
		}
		body.WriteString(block)
		shown++
	}
	if shown < active {
		fmt.Fprintf(&body, "> %d more findings not shown to stay under %d characters: see the full report (JSON, SARIF or HTML).\n\n", active-shown, limit)
	}
	_, err := io.WriteString(w, head.String()+body.String()+tail.String())
	return err
}

func sourceSuffix(s string) string {
	if s == "" {
		return ""
	}
	return " `" + strings.ReplaceAll(s, "`", "") + "`"
}

func mdFinding(f *finding.Finding) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<details><summary>%s · <b>%s</b> · <code>%s</code>", sevBadge[f.Severity], html.EscapeString(f.Title), html.EscapeString(endpoint(f)))
	if f.Identity != "" {
		fmt.Fprintf(&b, " as %s", html.EscapeString(f.Identity))
	}
	if n := len(f.Instances); n > 1 {
		fmt.Fprintf(&b, " (%d places)", n)
	}
	b.WriteString("</summary>\n\n")
	refs := []string{"`" + f.Check + "`"}
	for _, c := range f.CWE {
		refs = append(refs, fmt.Sprintf("[CWE-%s](%s)", cweNumber(c), cweURL(c)))
	}
	if f.OWASP != "" {
		refs = append(refs, mdEscape(f.OWASP))
	}
	refs = append(refs, "confidence "+f.Confidence.String(), "fingerprint `"+f.Fingerprint+"`")
	b.WriteString(strings.Join(refs, " · ") + "\n\n")
	if f.Description != "" {
		b.WriteString(mdEscape(f.Description) + "\n\n")
	}
	if len(f.Evidence.Values) > 0 {
		b.WriteString("| Data | Where | Value (masked) |\n|---|---|---|\n")
		for _, v := range f.Evidence.Values {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", mdEscape(v.Type), mdEscape(v.JSONPath), mdEscape(v.Masked))
		}
		b.WriteString("\n")
	}
	if ex := f.Evidence.Excerpt; ex != "" {
		b.WriteString("Evidence (" + mdEscape(f.Evidence.Request))
		if f.Evidence.Status != 0 {
			fmt.Fprintf(&b, " → %d", f.Evidence.Status)
		}
		b.WriteString("):\n\n" + codeBlock("", truncate(ex, 1500)) + "\n")
	}
	if n := len(f.Instances); n > 1 {
		b.WriteString("Seen at:\n\n")
		for j, in := range f.Instances {
			if j == 10 {
				fmt.Fprintf(&b, "- … and %d more\n", n-10)
				break
			}
			fmt.Fprintf(&b, "- <code>%s %s</code> as %s\n", html.EscapeString(in.Method), html.EscapeString(in.URL), html.EscapeString(in.Identity))
		}
		b.WriteString("\n")
	}
	if f.Reproduce != "" {
		b.WriteString("Reproduce:\n\n" + codeBlock("sh", f.Reproduce) + "\n")
	}
	if f.Remediation != "" {
		b.WriteString("**Fix:** " + strings.TrimSpace(f.Remediation) + "\n\n")
	}
	b.WriteString("</details>\n\n")
	return b.String()
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
