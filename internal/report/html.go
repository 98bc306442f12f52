package report

import (
	"cmp"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/finding"
)

// HTML writes one self-contained page: inline CSS and JavaScript, no external
// resource (a Content-Security-Policy forbids any), so it works offline and
// can be attached to a CI run. It shows the score, the exposure map, and the
// findings grouped by severity with filters.
type HTML struct {
	Rules []check.Meta
}

var _ Reporter = HTML{}

//go:embed templates/report.html.tmpl
var htmlTemplate string

var htmlPage = template.Must(template.New("report").Funcs(template.FuncMap{
	"lower": strings.ToLower,
}).Parse(htmlTemplate))

type htmlView struct {
	R          *finding.Report
	Started    string
	Duration   string
	Severities []htmlSevCount
	Groups     []htmlGroup
	Checks     []htmlCheck
	Total      int
	Suppressed int
	DataMap    htmlMatrix
	AccessMap  htmlMatrix
}

type htmlSevCount struct {
	Name  string
	Count int
}

type htmlCheck struct {
	ID, Title string
	Count     int
}

type htmlGroup struct {
	Severity string
	Findings []htmlFinding
}

type htmlFinding struct {
	F           *finding.Finding
	Severity    string
	Endpoint    string
	Remediation []htmlBlock
	MoreURLs    int
}

type htmlBlock struct {
	Code bool
	Lang string
	Text string
}

type htmlMatrix struct {
	Rows    []string
	Cols    []string
	Cells   [][]htmlCell
	Caption string
}

type htmlCell struct {
	Count    int
	Severity string
	Title    string
}

// Report writes r as one HTML page.
func (h HTML) Report(w io.Writer, r *finding.Report) error {
	r = cleanReport(r) // nothing from the target drives a terminal or breaks a parser
	v := htmlView{R: r, Duration: fmt.Sprintf("%.1fs", float64(r.DurationMS)/1000)}
	if !r.StartedAt.IsZero() {
		v.Started = r.StartedAt.UTC().Format(time.RFC3339)
	}
	for _, sev := range finding.Severities() {
		v.Severities = append(v.Severities, htmlSevCount{sev.String(), r.Summary.Count(sev)})
		g := htmlGroup{Severity: sev.String()}
		for i := range r.Findings {
			f := &r.Findings[i]
			if f.Severity != sev {
				continue
			}
			hf := htmlFinding{F: f, Severity: sev.String(), Endpoint: endpoint(f), Remediation: remediationBlocks(f.Remediation)}
			if f.Occurrences > len(f.Instances) {
				hf.MoreURLs = f.Occurrences - len(f.Instances)
			}
			g.Findings = append(g.Findings, hf)
			v.Total++
			if f.Suppressed != nil {
				v.Suppressed++
			}
		}
		if len(g.Findings) > 0 {
			v.Groups = append(v.Groups, g)
		}
	}
	counts := map[string]int{}
	for _, f := range r.Findings {
		counts[f.Check]++
	}
	for _, m := range rulesFor(h.Rules, r.Findings) {
		v.Checks = append(v.Checks, htmlCheck{ID: m.ID, Title: m.Title, Count: counts[m.ID]})
	}
	v.DataMap = dataMatrix(r.Findings)
	v.AccessMap = accessMatrix(r.Findings)
	return htmlPage.Execute(w, v)
}

// remediationBlocks splits remediation text on ``` fences into prose and
// code blocks.
func remediationBlocks(s string) []htmlBlock {
	var out []htmlBlock
	lines := strings.Split(strings.TrimSpace(s), "\n")
	var cur []string
	code, lang := false, ""
	flush := func() {
		text := strings.Join(cur, "\n")
		if !code {
			text = strings.TrimSpace(text)
		}
		if text != "" {
			out = append(out, htmlBlock{Code: code, Lang: lang, Text: text})
		}
		cur = nil
	}
	for _, l := range lines {
		if t := strings.TrimSpace(l); strings.HasPrefix(t, "```") {
			flush()
			if code {
				code, lang = false, ""
			} else {
				code, lang = true, strings.TrimSpace(strings.TrimPrefix(t, "```"))
			}
			continue
		}
		cur = append(cur, l)
	}
	flush()
	return out
}

// matrix accumulates cells keyed by row and column, keeping the worst
// severity and the titles that contributed.
type matrix struct {
	cells map[[2]string]*cellAcc
	rows  map[string]finding.Severity
	cols  map[string]finding.Severity
}

type cellAcc struct {
	n      int
	worst  finding.Severity
	titles []string
}

func newMatrix() *matrix {
	return &matrix{cells: map[[2]string]*cellAcc{}, rows: map[string]finding.Severity{}, cols: map[string]finding.Severity{}}
}

func (m *matrix) add(row, col string, sev finding.Severity, title string) {
	k := [2]string{row, col}
	c := m.cells[k]
	if c == nil {
		c = &cellAcc{worst: sev}
		m.cells[k] = c
	}
	c.n++
	c.worst = max(c.worst, sev)
	if !slices.Contains(c.titles, title) {
		c.titles = append(c.titles, title)
	}
	m.rows[row] = max(m.rows[row], sev)
	m.cols[col] = max(m.cols[col], sev)
}

// sorted orders keys by worst severity, then by name.
func sorted(keys map[string]finding.Severity) []string {
	out := make([]string, 0, len(keys))
	for k := range keys {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b string) int { return cmp.Or(cmp.Compare(keys[b], keys[a]), cmp.Compare(a, b)) })
	return out
}

func (m *matrix) view(caption string) htmlMatrix {
	v := htmlMatrix{Rows: sorted(m.rows), Cols: sorted(m.cols), Caption: caption}
	for _, r := range v.Rows {
		row := make([]htmlCell, 0, len(v.Cols))
		for _, c := range v.Cols {
			if acc := m.cells[[2]string{r, c}]; acc != nil {
				slices.Sort(acc.titles)
				row = append(row, htmlCell{Count: acc.n, Severity: acc.worst.String(), Title: strings.Join(acc.titles, "; ")})
			} else {
				row = append(row, htmlCell{})
			}
		}
		v.Cells = append(v.Cells, row)
	}
	return v
}

// dataMatrix is endpoints × data types seen in unsuppressed findings.
func dataMatrix(fs []finding.Finding) htmlMatrix {
	m := newMatrix()
	for i := range fs {
		f := &fs[i]
		if f.Suppressed != nil {
			continue
		}
		seen := map[string]bool{}
		for _, val := range f.Evidence.Values {
			if seen[val.Type] {
				continue
			}
			seen[val.Type] = true
			m.add(endpoint(f), val.Type, f.Severity, f.Title)
		}
	}
	return m.view("Endpoints × types of sensitive data they returned")
}

// OwnerDetail is the evidence detail key that names whose data a finding
// exposed (the owner of the object read), for the identity × owner map.
const OwnerDetail = "owner"

// accessMatrix is identity × whose data the identity could read: every
// unsuppressed finding that exposed data, by the identity that saw it and
// the owner named in its evidence.
func accessMatrix(fs []finding.Finding) htmlMatrix {
	m := newMatrix()
	for i := range fs {
		f := &fs[i]
		if f.Suppressed != nil || (len(f.Evidence.Values) == 0 && f.Evidence.Details[OwnerDetail] == "") {
			continue
		}
		owner := f.Evidence.Details[OwnerDetail]
		if owner == "" {
			owner = "unattributed data"
		}
		ids := map[string]bool{}
		for _, in := range f.Instances {
			if in.Identity != "" {
				ids[in.Identity] = true
			}
		}
		if len(ids) == 0 {
			ids[cmp.Or(f.Identity, "anonymous")] = true
		}
		for _, id := range slices.Sorted(maps.Keys(ids)) {
			m.add(id, owner, f.Severity, f.Title)
		}
	}
	return m.view("Identity (rows) × whose data it could read (columns)")
}
