// Package logs audits log files for personal data and secrets (CWE-532):
// plain text, JSON lines, gzip (by content, not by name), and the access-log
// formats of Werkzeug and gunicorn. It reads with the one sensitivity model
// (detect), after a prefilter that lets most benign lines through untouched
// (prefilter.go), and reports per file and data type the line ranges where
// values were found, masked. It recognises whole records dumped into a line
// by logger.info('… %s', item): a Python dict, JSON or DynamoDB JSON with
// several personal attributes.
//
// Reading is streaming and bounded: one line of at most MaxLine bytes is in
// memory at a time (longer lines are read in part), whatever the file size.
package logs

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/leakhound/leakhound/internal/audit"
	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/finding"
)

// MaxLine is the default bound on the bytes of one line that are read.
const MaxLine = 1 << 20

// Options says what to read.
type Options struct {
	// Paths are files or directories (read recursively); "-" is Stdin.
	Paths []string
	Stdin io.Reader
	// MaxLine bounds the bytes of one line that are inspected (default
	// MaxLine); the rest of a longer line is skipped.
	MaxLine int
}

// Result is what an audit of logs found.
type Result struct {
	Findings []finding.Finding
	// Files counts the files read, Bytes their (decompressed) size.
	Files int
	Bytes int64
	Lines int64
	// Skipped lists files not read and why (binary, unreadable).
	Skipped []string
}

// ErrNoInput means no path was given.
var ErrNoInput = errors.New("no log file given")

// Audit reads every file of o.Paths. An unreadable path given by name is an
// error; unreadable or binary files found inside a directory are listed in
// Result.Skipped.
func Audit(ctx context.Context, o Options) (*Result, error) {
	if len(o.Paths) == 0 {
		return nil, ErrNoInput
	}
	if o.MaxLine <= 0 {
		o.MaxLine = MaxLine
	}
	res := &Result{}
	for _, p := range o.Paths {
		if p == "-" {
			if o.Stdin == nil {
				return nil, errors.New("read stdin: no standard input")
			}
			if err := res.read(ctx, "stdin", o.Stdin, o.MaxLine); err != nil {
				return res, err
			}
			continue
		}
		st, err := os.Stat(p)
		if err != nil {
			return res, fmt.Errorf("read logs: %w", err)
		}
		if !st.IsDir() {
			if err := res.readFile(ctx, p, filepath.ToSlash(p), o.MaxLine, true); err != nil {
				return res, err
			}
			continue
		}
		var files []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				res.Skipped = append(res.Skipped, fmt.Sprintf("%s: %v", path, err))
				return nil
			}
			if d.Type().IsRegular() {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return res, fmt.Errorf("read logs %s: %w", p, err)
		}
		sort.Strings(files)
		for _, f := range files {
			if err := res.readFile(ctx, f, filepath.ToSlash(f), o.MaxLine, false); err != nil {
				return res, err
			}
		}
	}
	return res, nil
}

func (res *Result) readFile(ctx context.Context, path, name string, maxLine int, named bool) error {
	f, err := os.Open(path)
	if err != nil {
		if named {
			return fmt.Errorf("read logs: %w", err)
		}
		res.Skipped = append(res.Skipped, fmt.Sprintf("%s: %v", name, err))
		return nil
	}
	defer f.Close()
	err = res.read(ctx, name, f, maxLine)
	var skip skipError
	if errors.As(err, &skip) {
		res.Skipped = append(res.Skipped, fmt.Sprintf("%s: %s", name, skip.why))
		return nil
	}
	return err
}

// skipError says a file is not a text log.
type skipError struct{ why string }

func (e skipError) Error() string { return e.why }

// read audits one stream: gzip is recognised by its magic bytes, binary
// content (a NUL byte in the first 8 KiB) is skipped.
func (res *Result) read(ctx context.Context, name string, r io.Reader, maxLine int) error {
	br := bufio.NewReaderSize(r, 1<<20) // scan reads lines from it as is
	head, _ := br.Peek(2)
	var src io.Reader = br
	if len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return skipError{fmt.Sprintf("bad gzip data: %v", err)}
		}
		defer zr.Close()
		src = zr
	}
	fa := newFileAudit(name)
	fa.gzip = src != io.Reader(br)
	if err := fa.scan(ctx, src, maxLine); err != nil {
		return err
	}
	res.Files++
	res.Bytes += fa.bytes
	res.Lines += fa.line
	res.Findings = append(res.Findings, fa.findings()...)
	return nil
}

// fileAudit gathers what one file holds.
type fileAudit struct {
	name  string
	gzip  bool
	line  int64 // lines read
	bytes int64
	types map[string]*typeSeen
	dumps *dumpSeen
	buf   []byte // scratch: a decoded access-log request
}

// typeSeen is one data type found in a file.
type typeSeen struct {
	typ     string
	lines   lineRanges
	count   int
	conf    finding.Confidence
	samples []finding.Value
	excerpt string
	access  bool // seen in an access-log request
}

// dumpSeen is the whole records found in a file.
type dumpSeen struct {
	lines   lineRanges
	types   map[string]bool
	excerpt string
	worst   finding.Severity
}

func newFileAudit(name string) *fileAudit {
	return &fileAudit{name: name, types: map[string]*typeSeen{}}
}

// maxSamples bounds the masked values kept per type and file.
const maxSamples = 3

// scan reads lines; it honours ctx every few thousand lines.
func (fa *fileAudit) scan(ctx context.Context, r io.Reader, maxLine int) error {
	br := bufio.NewReaderSize(r, min(maxLine, 1<<20))
	long := make([]byte, 0, 4096)
	checkedBinary := false
	for {
		chunk, err := br.ReadSlice('\n')
		line := chunk
		if errors.Is(err, bufio.ErrBufferFull) {
			// A line longer than the buffer: inspect its first maxLine
			// bytes, skip the rest.
			long = append(long[:0], chunk[:min(maxLine, len(chunk))]...)
			for errors.Is(err, bufio.ErrBufferFull) {
				fa.bytes += int64(len(chunk))
				chunk, err = br.ReadSlice('\n')
				if room := maxLine - len(long); room > 0 {
					long = append(long, chunk[:min(room, len(chunk))]...)
				}
			}
			line = long
		}
		if len(line) > maxLine {
			line = line[:maxLine]
		}
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
			return fmt.Errorf("read %s: %w", fa.name, err)
		}
		if len(line) > 0 {
			if !checkedBinary {
				checkedBinary = true
				if bytes.IndexByte(line[:min(len(line), 8192)], 0) >= 0 {
					return skipError{"binary content"}
				}
			}
			fa.bytes += int64(len(chunk))
			fa.line++
			fa.inspect(bytes.TrimRight(line, "\r\n"))
			if fa.line&0x3fff == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
		}
		if err != nil {
			return nil
		}
	}
}

// inspect looks at one line.
func (fa *fileAudit) inspect(line []byte) {
	if method, target, referer, ok := accessFields(line); ok {
		if !suspicious(target) && (referer == nil || !suspicious(referer)) {
			return
		}
		fa.buf = append(append(fa.buf[:0], method...), ' ')
		fa.buf = percentDecode(fa.buf, target)
		if referer != nil {
			fa.buf = append(fa.buf, " referer "...)
			fa.buf = percentDecode(fa.buf, referer)
		}
		res := detect.Scan(fa.buf, "text/plain")
		kept := sensitiveMatches(res)
		fa.record(kept, true, func() string { return maskedText(fa.buf, res) })
		return
	}
	if !suspicious(line) {
		return
	}
	if t := bytes.TrimLeft(line, " \t"); len(t) > 0 && t[0] == '{' && json.Valid(t) {
		// A JSON line: the root object is the log entry.
		fa.inspectRecord(nil, t, nil, 3)
		return
	}
	if open, end, js, ok := recordSpan(line); ok {
		fa.inspectRecord(line[:open], js, line[end:], 2)
		return
	}
	res := detect.Scan(line, "text/plain")
	fa.record(sensitiveMatches(res), false, func() string { return maskedText(line, res) })
}

// inspectRecord looks at a line made of a text prefix, a record (as JSON)
// and a text suffix. need is the number of distinct types at medium
// severity or above that make the record's root a whole record.
func (fa *fileAudit) inspectRecord(prefix, js, suffix []byte, need int) {
	resJS := detect.Scan(js, "application/json")
	kept := sensitiveMatches(resJS)
	var resPre, resSuf *detect.Result
	if len(prefix) > 0 && suspicious(prefix) {
		resPre = detect.Scan(prefix, "text/plain")
		kept = append(kept, sensitiveMatches(resPre)...)
	}
	if len(suffix) > 0 && suspicious(suffix) {
		resSuf = detect.Scan(suffix, "text/plain")
		kept = append(kept, sensitiveMatches(resSuf)...)
	}
	if len(kept) == 0 {
		return
	}
	excerpt := ""
	mkExcerpt := func() string {
		if excerpt == "" {
			masked := map[string]string{}
			for _, m := range resJS.Matches {
				masked[m.Value().Raw()] = m.Masked()
			}
			excerpt = cut(maskedPart(prefix, resPre) + elide(js, masked) + maskedPart(suffix, resSuf))
		}
		return excerpt
	}
	fa.record(kept, false, mkExcerpt)
	if types := dumpTypes(sensitiveMatches(resJS), need, prefix != nil); len(types) > 0 {
		if fa.dumps == nil {
			fa.dumps = &dumpSeen{types: map[string]bool{}}
		}
		fa.dumps.lines.add(fa.line)
		for _, t := range types {
			fa.dumps.types[t] = true
			fa.dumps.worst = max(fa.dumps.worst, audit.Severity(t))
		}
		if fa.dumps.excerpt == "" {
			fa.dumps.excerpt = mkExcerpt()
		}
	}
}

// sensitiveMatches keeps the personal data and credentials found at medium
// confidence or more.
func sensitiveMatches(res *detect.Result) []detect.Match {
	var kept []detect.Match
	for _, m := range res.Matches {
		if m.Confidence >= finding.ConfidenceMedium && audit.Sensitive(string(m.Type)) {
			kept = append(kept, m)
		}
	}
	return kept
}

// record counts the matches of the current line.
func (fa *fileAudit) record(kept []detect.Match, access bool, excerpt func() string) {
	lineNo := fa.line
	for _, m := range kept {
		ts := fa.types[string(m.Type)]
		if ts == nil {
			ts = &typeSeen{typ: string(m.Type)}
			fa.types[string(m.Type)] = ts
		}
		ts.count++
		ts.conf = max(ts.conf, m.Confidence)
		ts.access = ts.access || access
		if ts.lines.add(lineNo) && len(ts.samples) < maxSamples {
			v := finding.NewValue(string(m.Type), "", m.Value().Raw())
			if !slices.ContainsFunc(ts.samples, func(s finding.Value) bool { return s.Masked == v.Masked }) {
				ts.samples = append(ts.samples, v)
			}
		}
		if ts.excerpt == "" {
			ts.excerpt = excerpt()
		}
	}
}

// maxExcerpt bounds an excerpt, in bytes.
const maxExcerpt = 300

// maskedText masks every value detect found in text (whatever its
// confidence) and cuts the result.
func maskedText(text []byte, res *detect.Result) string {
	return cut(detect.MaskRange(text, res, 0, len(text)))
}

func maskedPart(text []byte, res *detect.Result) string {
	if len(text) == 0 {
		return ""
	}
	if res == nil {
		res = detect.Scan(text, "text/plain")
	}
	return detect.MaskRange(text, res, 0, len(text))
}

func cut(s string) string {
	if len(s) > maxExcerpt {
		n := maxExcerpt
		for n > 0 && s[n]&0xc0 == 0x80 {
			n--
		}
		s = s[:n] + "…"
	}
	return s
}

// dumpTypes returns the distinct types, at medium severity or above, of
// the values of one record when there are at least two of them (need for
// the root of a JSON line), else nil. The record is the whole object when
// it was embedded in a text line (root), else the first object below the
// root that holds values, or the root itself.
func dumpTypes(ms []detect.Match, need int, root bool) []string {
	groups := map[string]map[string]bool{}
	for _, m := range ms {
		if audit.Severity(string(m.Type)) < finding.Medium {
			continue
		}
		rec := "{}"
		if !root {
			rec = parentPath(m.Path)
		}
		if groups[rec] == nil {
			groups[rec] = map[string]bool{}
		}
		groups[rec][string(m.Type)] = true
	}
	var best []string
	for rec, ts := range groups {
		n := 2
		if rec == "$" {
			n = need
		}
		if len(ts) >= n && len(ts) > len(best) {
			best = best[:0]
			for t := range ts {
				best = append(best, t)
			}
		}
	}
	sort.Strings(best)
	return best
}

// parentPath returns the path of the record holding a value: the first
// member of the root, with its array index if any ($.item for $.item.ssn and
// $.item.address.street, $.items[2] for $.items[2].ssn), or $ for a member
// of the root itself ($.email).
func parentPath(p string) string {
	segs := splitPath(strings.TrimPrefix(p, "$"))
	if len(segs) <= 1 {
		return "$"
	}
	n := 1
	for n < len(segs)-1 && strings.HasPrefix(segs[n], "[") {
		n++
	}
	return "$" + strings.Join(segs[:n], "")
}

// splitPath cuts .a[3].b into ".a", "[3]", ".b".
func splitPath(p string) []string {
	var out []string
	start := 0
	for i := 1; i <= len(p); i++ {
		if i == len(p) || p[i] == '.' || p[i] == '[' {
			if i > start {
				out = append(out, p[start:i])
			}
			start = i
		}
	}
	return out
}

// lineRanges keeps the first maxRanges ranges of line numbers, in order.
type lineRanges struct {
	r     [][2]int64
	lines int64 // distinct lines
	more  int   // ranges beyond maxRanges
}

const maxRanges = 20

// add records line n (lines come in increasing order) and reports whether
// it is a new line.
func (lr *lineRanges) add(n int64) bool {
	if k := len(lr.r); k > 0 {
		last := &lr.r[k-1]
		if n == last[1] {
			return false
		}
		if n == last[1]+1 && lr.more == 0 {
			last[1] = n
			lr.lines++
			return true
		}
	}
	lr.lines++
	if len(lr.r) < maxRanges {
		lr.r = append(lr.r, [2]int64{n, n})
	} else {
		lr.more++
	}
	return true
}

// String is "3-5, 9, 12-40 (+4 more ranges)".
func (lr *lineRanges) String() string {
	var b strings.Builder
	for i, r := range lr.r {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.FormatInt(r[0], 10))
		if r[1] > r[0] {
			b.WriteString("-" + strconv.FormatInt(r[1], 10))
		}
	}
	if lr.more > 0 {
		fmt.Fprintf(&b, " (+%d more ranges)", lr.more)
	}
	return b.String()
}

// sedScript prints the first ranges: 3,5p;9p.
func (lr *lineRanges) sedScript(n int) string {
	var parts []string
	for i, r := range lr.r {
		if i == n {
			break
		}
		if r[1] > r[0] {
			parts = append(parts, fmt.Sprintf("%d,%dp", r[0], r[1]))
		} else {
			parts = append(parts, fmt.Sprintf("%dp", r[0]))
		}
	}
	return strings.Join(parts, ";")
}

// findings turns what the file holds into findings.
func (fa *fileAudit) findings() []finding.Finding {
	var out []finding.Finding
	path := "log://" + fa.name
	reproduce := func(lr *lineRanges) string {
		if fa.name == "stdin" {
			return ""
		}
		if fa.gzip {
			return fmt.Sprintf("zcat %s | sed -n '%s'", shellQuote(fa.name), lr.sedScript(5))
		}
		return fmt.Sprintf("sed -n '%s' %s", lr.sedScript(5), shellQuote(fa.name))
	}
	metas := map[string]finding.Finding{}
	for _, m := range audit.LogRules() {
		metas[m.ID] = finding.Finding{Check: m.ID, Title: m.Title, Description: m.Description, CWE: m.CWE, Remediation: m.Remediation}
	}
	types := make([]string, 0, len(fa.types))
	for t := range fa.types {
		types = append(types, t)
	}
	sort.Strings(types)
	for _, t := range types {
		ts := fa.types[t]
		f := metas[audit.LogSensitive]
		f.Severity = audit.Severity(t)
		f.Confidence = ts.conf
		f.Path, f.Subject = path, t
		f.URL = path + "#L" + strings.ReplaceAll(ts.lines.String(), ", ", ",L")
		where := "lines"
		if ts.access {
			where = "lines (request URLs of the access log)"
		}
		f.Title = fmt.Sprintf("%s: %s in %d line(s) of %s", f.Title, t, ts.lines.lines, fa.name)
		f.Description = fmt.Sprintf("%s Found %d %s value(s) in %s %s.", f.Description, ts.count, t, where, ts.lines.String())
		f.Evidence = finding.Evidence{
			Request: "read " + fa.name,
			Excerpt: ts.excerpt,
			Values:  ts.samples,
			Details: map[string]string{"lines": ts.lines.String(), "matches": strconv.Itoa(ts.count), "line_count": strconv.FormatInt(ts.lines.lines, 10)},
		}
		f.Reproduce = reproduce(&ts.lines)
		f.Occurrences = int(ts.lines.lines)
		out = append(out, f)
	}
	if d := fa.dumps; d != nil {
		f := metas[audit.LogItemDump]
		var ts []string
		for t := range d.types {
			ts = append(ts, t)
		}
		sort.Strings(ts)
		f.Severity = max(d.worst, finding.Medium)
		f.Confidence = finding.ConfidenceHigh
		f.Path = path
		f.URL = path + "#L" + strings.ReplaceAll(d.lines.String(), ", ", ",L")
		f.Title = fmt.Sprintf("Whole records logged in %d line(s) of %s (%s)", d.lines.lines, fa.name, strings.Join(ts, ", "))
		f.Description = fmt.Sprintf("%s Lines %s each hold a record with %s.", f.Description, d.lines.String(), strings.Join(ts, ", "))
		f.Evidence = finding.Evidence{
			Request: "read " + fa.name,
			Excerpt: d.excerpt,
			Details: map[string]string{"lines": d.lines.String(), "types": strings.Join(ts, ","), "line_count": strconv.FormatInt(d.lines.lines, 10)},
		}
		f.Reproduce = reproduce(&d.lines)
		f.Occurrences = int(d.lines.lines)
		out = append(out, f)
	}
	return out
}

// shellQuote quotes a file name for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
