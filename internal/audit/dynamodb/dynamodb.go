// Package dynamodb audits DynamoDB tables for sensitive data at rest
// (CWE-312, CWE-256, CWE-916): it reads each table's metadata
// (DescribeTable, DescribeContinuousBackups, DescribeTimeToLive) and a
// bounded sample of its items (parallel Scan segments, throttled), reads
// every attribute value with the one sensitivity model (detect), and
// reports per attribute what it holds, with the share of sampled items,
// masked values and a remedy made concrete for the table (attributes to
// move or encrypt, a ProjectionExpression, an IAM policy on
// dynamodb:Attributes).
//
// It is read-only: the only calls are ListTables, DescribeTable,
// DescribeContinuousBackups, DescribeTimeToLive and Scan (docs/audit.md
// lists them as an IAM policy).
package dynamodb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	"golang.org/x/time/rate"

	"github.com/leakhound/leakhound/internal/audit"
	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/finding"
)

// API is the part of the DynamoDB client the audit uses: read-only calls.
// *dynamodb.Client implements it.
type API interface {
	ListTables(ctx context.Context, in *dynamodb.ListTablesInput, opts ...func(*dynamodb.Options)) (*dynamodb.ListTablesOutput, error)
	DescribeTable(ctx context.Context, in *dynamodb.DescribeTableInput, opts ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error)
	DescribeContinuousBackups(ctx context.Context, in *dynamodb.DescribeContinuousBackupsInput, opts ...func(*dynamodb.Options)) (*dynamodb.DescribeContinuousBackupsOutput, error)
	DescribeTimeToLive(ctx context.Context, in *dynamodb.DescribeTimeToLiveInput, opts ...func(*dynamodb.Options)) (*dynamodb.DescribeTimeToLiveOutput, error)
	Scan(ctx context.Context, in *dynamodb.ScanInput, opts ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error)
}

var _ API = (*dynamodb.Client)(nil)

// Defaults.
const (
	DefaultSample   = 1000
	DefaultSegments = 4
	maxTables       = 10000
)

// maxBatch bounds the JSON of the items given to detect at once (and so
// the memory an audit holds, with one Scan page of at most 1 MB). A
// variable for tests.
var maxBatch = 4 << 20

// Options configure an audit.
type Options struct {
	Client API
	// Tables to audit; every table of ListTables when empty.
	Tables []string
	// Sample is the number of items read per table at most (default
	// DefaultSample), Segments the parallel Scan segments (default
	// DefaultSegments, fewer for small samples).
	Sample   int
	Segments int
	// Rate bounds the API calls per second (0: unbounded).
	Rate float64
	// Endpoint and Region appear in reproductions (aws CLI commands).
	Endpoint string
	Region   string
}

// Result is what an audit found.
type Result struct {
	Findings []finding.Finding
	// Tables lists the tables read.
	Tables []Table
	// Calls counts the API calls made.
	Calls int
	// Failed lists the tables that could not be read, with the reason.
	Failed []string
	// Warnings are checks that could not be made (an operation the
	// endpoint does not support, a permission missing).
	Warnings []string
}

// Table is the metadata and sample of one table.
type Table struct {
	Name    string
	ARN     string
	Keys    []string // key attributes: partition key first
	Indexes []Index
	// SSE is "AWS owned key" (the default), "KMS" with KMSKey, or "".
	SSE    string
	KMSKey string
	// PITR is "ENABLED", "DISABLED" or "" when unknown.
	PITR string
	// TTL is the TTL attribute, "" when TTL is off or unknown.
	TTL     string
	Sampled int
}

// Index is a secondary index.
type Index struct {
	Name       string
	Global     bool
	Keys       []string
	Projection string // ALL, KEYS_ONLY, INCLUDE
}

// ErrNoClient means Options.Client is nil.
var ErrNoClient = errors.New("no DynamoDB client")

// Audit reads the tables and reports what they hold. A table that cannot be
// described or scanned is listed in Result.Failed; an error is returned
// only when no table list could be had.
func Audit(ctx context.Context, o Options) (*Result, error) {
	if o.Client == nil {
		return nil, ErrNoClient
	}
	if o.Sample <= 0 {
		o.Sample = DefaultSample
	}
	if o.Segments <= 0 {
		o.Segments = DefaultSegments
	}
	a := &auditor{o: o, res: &Result{}}
	if o.Rate > 0 {
		a.limit = rate.NewLimiter(rate.Limit(o.Rate), 1)
	}
	defer func() { a.res.Calls, a.res.Warnings = int(a.calls.Load()), a.warnings() }()
	names := o.Tables
	if len(names) == 0 {
		var err error
		if names, err = a.listTables(ctx); err != nil {
			return a.res, err
		}
	}
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return a.res, err
		}
		if err := a.table(ctx, name); err != nil {
			if ctx.Err() != nil {
				return a.res, ctx.Err()
			}
			a.res.Failed = append(a.res.Failed, fmt.Sprintf("%s: %s", name, oneLine(err)))
		}
	}
	return a.res, nil
}

type auditor struct {
	o     Options
	res   *Result
	limit *rate.Limiter
	calls atomic.Int64
	mu    sync.Mutex
	// warnings, grouped by what and error
	warned   map[string]int
	whats    [][2]string
	tablesOf [][]string
}

// call waits for the rate limiter and counts one API call.
func (a *auditor) call(ctx context.Context) error {
	a.calls.Add(1)
	if a.limit != nil {
		return a.limit.Wait(ctx)
	}
	return nil
}

func (a *auditor) listTables(ctx context.Context) ([]string, error) {
	var names []string
	in := &dynamodb.ListTablesInput{}
	for {
		if err := a.call(ctx); err != nil {
			return nil, err
		}
		out, err := a.o.Client.ListTables(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("list tables: %w", err)
		}
		names = append(names, out.TableNames...)
		if out.LastEvaluatedTableName == nil || len(names) >= maxTables {
			return names, nil
		}
		in.ExclusiveStartTableName = out.LastEvaluatedTableName
	}
}

// oneLine renders an error on one line; an AWS API error as its operation,
// code and message, without the request id that differs on every call.
func oneLine(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		msg := api.ErrorCode()
		if m := api.ErrorMessage(); m != "" && m != "UnknownError" {
			msg += ": " + m
		}
		var op *smithy.OperationError
		if errors.As(err, &op) {
			msg = op.Operation() + ": " + msg
		}
		return strings.Join(strings.Fields(msg), " ")
	}
	return strings.Join(strings.Fields(err.Error()), " ")
}

// warn records a check that could not be made on a table; the same
// failure on several tables (an operation the endpoint lacks) is one
// warning naming them all.
func (a *auditor) warn(what, table string, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	key := what + "\x00" + oneLine(err)
	if a.warned == nil {
		a.warned = map[string]int{}
	}
	if i, ok := a.warned[key]; ok {
		a.tablesOf[i] = append(a.tablesOf[i], table)
	} else {
		a.warned[key] = len(a.whats)
		a.whats = append(a.whats, [2]string{what, oneLine(err)})
		a.tablesOf = append(a.tablesOf, []string{table})
	}
}

// warnings renders the recorded warnings.
func (a *auditor) warnings() []string {
	var out []string
	for i, w := range a.whats {
		out = append(out, fmt.Sprintf("%s not checked for %s: %s", w[0], strings.Join(a.tablesOf[i], ", "), w[1]))
	}
	return out
}

// table audits one table.
func (a *auditor) table(ctx context.Context, name string) error {
	if err := a.call(ctx); err != nil {
		return err
	}
	d, err := a.o.Client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
	if err != nil {
		return fmt.Errorf("describe table: %w", err)
	}
	t := describe(d.Table)
	if t.Name == "" {
		t.Name = name
	}
	if err := a.call(ctx); err != nil {
		return err
	}
	if cb, err := a.o.Client.DescribeContinuousBackups(ctx, &dynamodb.DescribeContinuousBackupsInput{TableName: aws.String(name)}); err != nil {
		a.warn("point-in-time recovery", name, err)
	} else if cb.ContinuousBackupsDescription != nil {
		t.PITR = "DISABLED"
		if p := cb.ContinuousBackupsDescription.PointInTimeRecoveryDescription; p != nil && p.PointInTimeRecoveryStatus == types.PointInTimeRecoveryStatusEnabled {
			t.PITR = "ENABLED"
		}
	}
	if err := a.call(ctx); err != nil {
		return err
	}
	if ttl, err := a.o.Client.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String(name)}); err != nil {
		a.warn("time to live", name, err)
	} else if ttl.TimeToLiveDescription != nil && ttl.TimeToLiveDescription.TimeToLiveStatus == types.TimeToLiveStatusEnabled {
		t.TTL = aws.ToString(ttl.TimeToLiveDescription.AttributeName)
	}
	acc := newSampleAcc()
	err = a.sample(ctx, name, acc)
	acc.flush()
	if err != nil && acc.n == 0 {
		return fmt.Errorf("scan: %w", err)
	}
	if err != nil {
		a.warn("the whole sample", name, err)
	}
	t.Sampled = acc.n
	a.res.Tables = append(a.res.Tables, t)
	a.res.Findings = append(a.res.Findings, a.findings(&t, acc.attrs, acc.present, acc.n)...)
	return nil
}

// describe reads what the audit needs from a table description.
func describe(d *types.TableDescription) Table {
	var t Table
	if d == nil {
		return t
	}
	t.Name, t.ARN = aws.ToString(d.TableName), aws.ToString(d.TableArn)
	t.Keys = keyNames(d.KeySchema)
	for _, g := range d.GlobalSecondaryIndexes {
		ix := Index{Name: aws.ToString(g.IndexName), Global: true, Keys: keyNames(g.KeySchema)}
		if g.Projection != nil {
			ix.Projection = string(g.Projection.ProjectionType)
		}
		t.Indexes = append(t.Indexes, ix)
	}
	for _, l := range d.LocalSecondaryIndexes {
		ix := Index{Name: aws.ToString(l.IndexName), Keys: keyNames(l.KeySchema)}
		if l.Projection != nil {
			ix.Projection = string(l.Projection.ProjectionType)
		}
		t.Indexes = append(t.Indexes, ix)
	}
	t.SSE = "AWS owned key"
	if s := d.SSEDescription; s != nil && (s.Status == types.SSEStatusEnabled || s.Status == types.SSEStatusUpdating) {
		t.SSE, t.KMSKey = string(s.SSEType), aws.ToString(s.KMSMasterKeyArn)
	}
	return t
}

func keyNames(ks []types.KeySchemaElement) []string {
	var hash, rng []string
	for _, k := range ks {
		if k.KeyType == types.KeyTypeHash {
			hash = append(hash, aws.ToString(k.AttributeName))
		} else {
			rng = append(rng, aws.ToString(k.AttributeName))
		}
	}
	return append(hash, rng...)
}

// sample reads at most Options.Sample items with parallel Scan segments
// and hands each page to acc as it comes, so memory holds one batch of
// items, not the whole sample.
func (a *auditor) sample(ctx context.Context, name string, acc *sampleAcc) error {
	segs := min(a.o.Segments, max(1, a.o.Sample/25))
	share := (a.o.Sample + segs - 1) / segs
	var (
		first error
		once  sync.Once
		wg    sync.WaitGroup
	)
	for seg := range segs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in := &dynamodb.ScanInput{TableName: aws.String(name), Select: types.SelectAllAttributes}
			if segs > 1 {
				in.Segment, in.TotalSegments = aws.Int32(int32(seg)), aws.Int32(int32(segs))
			}
			read := 0
			for read < share {
				in.Limit = aws.Int32(int32(min(share-read, 100)))
				err := a.call(ctx)
				var out *dynamodb.ScanOutput
				if err == nil {
					out, err = a.o.Client.Scan(ctx, in)
				}
				if err != nil {
					once.Do(func() { first = err })
					return
				}
				if acc.add(out.Items, a.o.Sample) {
					return // the sample is full
				}
				read += len(out.Items)
				if len(out.LastEvaluatedKey) == 0 {
					return
				}
				in.ExclusiveStartKey = out.LastEvaluatedKey
			}
		}()
	}
	wg.Wait()
	return first
}

// sampleAcc turns sampled items into what each attribute holds. Items are
// written as JSON into a batch that detect reads when it reaches maxBatch.
type sampleAcc struct {
	mu      sync.Mutex
	n       int // items taken
	attrs   map[string]*seen
	present map[string]int // attribute → items that have it
	buf     []byte
	spans   []span
}

func newSampleAcc() *sampleAcc {
	return &sampleAcc{attrs: map[string]*seen{}, present: map[string]int{}}
}

// add takes items up to limit in all and reports whether the sample is
// full.
func (acc *sampleAcc) add(items []map[string]types.AttributeValue, limit int) bool {
	acc.mu.Lock()
	defer acc.mu.Unlock()
	for _, item := range items {
		if acc.n >= limit {
			return true
		}
		if len(acc.buf) == 0 {
			acc.buf = append(acc.buf, '[')
		} else {
			acc.buf = append(acc.buf, ',')
		}
		acc.buf, acc.spans = appendItem(acc.buf, acc.n, item, acc.spans)
		for k := range item {
			acc.present[k]++
		}
		acc.n++
		if len(acc.buf) >= maxBatch {
			acc.flushLocked()
		}
	}
	return acc.n >= limit
}

func (acc *sampleAcc) flush() {
	acc.mu.Lock()
	defer acc.mu.Unlock()
	acc.flushLocked()
}

// flushLocked runs detect over the batch and records its matches per
// attribute.
func (acc *sampleAcc) flushLocked() {
	if len(acc.buf) == 0 {
		return
	}
	acc.buf = append(acc.buf, ']')
	res := detect.Scan(acc.buf, "application/json")
	spans := acc.spans
	for _, m := range res.Matches {
		if m.Confidence < finding.ConfidenceMedium || !audit.Sensitive(string(m.Type)) {
			continue
		}
		i := sort.Search(len(spans), func(i int) bool { return spans[i].end > m.Start })
		if i == len(spans) || spans[i].start > m.Start {
			continue
		}
		acc.record(spans[i], m)
	}
	acc.buf, acc.spans = acc.buf[:0], acc.spans[:0]
}

// seen is what one attribute holds across the sample.
type seen struct {
	attr  string
	types map[string]*typeSeen
}

type typeSeen struct {
	typ     string
	items   map[int]bool
	conf    finding.Confidence
	samples []finding.Value
	// Password hashes: the fast schemes seen and their items.
	fast      map[string]bool
	fastItems map[int]bool
}

// record counts one match of the attribute at sp.
func (acc *sampleAcc) record(sp span, m detect.Match) {
	s := acc.attrs[sp.attr]
	if s == nil {
		s = &seen{attr: sp.attr, types: map[string]*typeSeen{}}
		acc.attrs[sp.attr] = s
	}
	ts := s.types[string(m.Type)]
	if ts == nil {
		ts = &typeSeen{typ: string(m.Type), items: map[int]bool{}}
		s.types[string(m.Type)] = ts
	}
	ts.items[sp.item] = true
	ts.conf = max(ts.conf, m.Confidence)
	v := m.Value()
	if m.Type == detect.TypePasswordHash {
		if scheme, fast, known := hashScheme(strings.TrimSpace(v.Raw())); known && fast {
			if ts.fast == nil {
				ts.fast, ts.fastItems = map[string]bool{}, map[int]bool{}
			}
			ts.fast[scheme] = true
			ts.fastItems[sp.item] = true
		}
	}
	if len(ts.samples) < 3 {
		val := finding.NewValue(string(m.Type), itemPath(m.Path), v.Raw())
		dup := false
		for _, x := range ts.samples {
			dup = dup || x.Masked == val.Masked
		}
		if !dup {
			ts.samples = append(ts.samples, val)
		}
	}
}

// itemPath turns $[12].address.street into $.address.street.
func itemPath(p string) string {
	if strings.HasPrefix(p, "$[") {
		if i := strings.IndexByte(p, ']'); i > 0 {
			return "$" + p[i+1:]
		}
	}
	return p
}

func pct(n, of int) string {
	if of == 0 {
		return "0%"
	}
	return strconv.Itoa((100*n+of/2)/of) + "%"
}

// findings builds the findings of one table.
func (a *auditor) findings(t *Table, attrs map[string]*seen, present map[string]int, n int) []finding.Finding {
	metas := map[string]finding.Finding{}
	for _, m := range audit.DynamoDBRules() {
		metas[m.ID] = finding.Finding{Check: m.ID, Title: m.Title, Description: m.Description, Severity: m.Severity, CWE: m.CWE, Remediation: m.Remediation}
	}
	remedy := tableRemedy(t, attrs, present)
	base := "dynamodb://" + t.Name
	request := fmt.Sprintf("Scan %s (%d items sampled)", t.Name, n)
	var out []finding.Finding
	names := make([]string, 0, len(attrs))
	for k := range attrs {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, attr := range names {
		s := attrs[attr]
		typs := make([]string, 0, len(s.types))
		for k := range s.types {
			typs = append(typs, k)
		}
		sort.Strings(typs)
		for _, typ := range typs {
			ts := s.types[typ]
			k := len(ts.items)
			details := map[string]string{
				"table": t.Name, "attribute": attr, "type": typ,
				"items": strconv.Itoa(k), "sampled": strconv.Itoa(n), "share": pct(k, n),
			}
			var f finding.Finding
			switch {
			case typ == string(detect.TypePassword):
				f = metas[audit.DynamoPassword]
				f.CWE = []string{"CWE-256", "CWE-312"}
				f.Subject = "cleartext"
				f.Title = fmt.Sprintf("Passwords stored in clear in %s.%s (%d of %d sampled items)", t.Name, attr, k, n)
			case typ == string(detect.TypePasswordHash) && len(ts.fast) > 0:
				f = metas[audit.DynamoPassword]
				f.CWE = []string{"CWE-916"}
				f.Subject = "fast-hash"
				schemes := sortedKeys(ts.fast)
				details["schemes"] = strings.Join(schemes, ", ")
				details["items"] = strconv.Itoa(len(ts.fastItems))
				details["share"] = pct(len(ts.fastItems), n)
				f.Title = fmt.Sprintf("Passwords hashed with a fast hash (%s) in %s.%s (%d of %d sampled items)",
					strings.Join(schemes, ", "), t.Name, attr, len(ts.fastItems), n)
			case typ == string(detect.TypePasswordHash):
				// A slow, salted hash: the right way to keep a password.
				// It stays out of the safe attributes of the remedy.
				continue
			default:
				f = metas[audit.DynamoCleartext]
				f.Severity = audit.Severity(typ)
				f.Subject = typ
				f.Title = fmt.Sprintf("Cleartext %s stored in %s.%s (%d of %d sampled items)", typ, t.Name, attr, k, n)
			}
			f.Confidence = ts.conf
			f.Path = base + "/" + attr
			f.URL = f.Path
			f.Evidence = finding.Evidence{Request: request, Values: ts.samples, Details: details}
			f.Description = fmt.Sprintf("%s %s of %d sampled items (%s) hold %s in attribute %q.", f.Description,
				details["items"], n, details["share"], typ, attr)
			f.Reproduce = a.reproduce(t.Name, attr)
			f.Remediation += "\n\n" + remedy
			out = append(out, f)
		}
	}
	// Indexes that copy every attribute.
	sensitive := sensitiveAttrs(attrs)
	for _, ix := range t.Indexes {
		if !ix.Global || ix.Projection != string(types.ProjectionTypeAll) {
			continue
		}
		personalKey := false
		for _, k := range ix.Keys {
			personalKey = personalKey || sensitive[k] && !contains(t.Keys, k)
		}
		var copied []string
		worst := finding.Info
		for attr := range sensitive {
			if !contains(ix.Keys, attr) && !contains(t.Keys, attr) {
				copied = append(copied, attr)
				for typ := range attrs[attr].types {
					worst = max(worst, audit.Severity(typ))
				}
			}
		}
		if personalKey || len(copied) == 0 {
			continue
		}
		sort.Strings(copied)
		f := metas[audit.DynamoGSIAll]
		f.Severity = finding.Low
		if worst >= finding.High {
			f.Severity = finding.Medium
		}
		f.Confidence = finding.ConfidenceHigh
		f.Subject = ix.Name
		f.Path = base + "/index/" + ix.Name
		f.URL = f.Path
		f.Title = fmt.Sprintf("Index %s of %s projects ALL attributes, copying %s", ix.Name, t.Name, strings.Join(copied, ", "))
		f.Evidence = finding.Evidence{Request: "DescribeTable " + t.Name, Details: map[string]string{
			"index": ix.Name, "index_keys": strings.Join(ix.Keys, ","), "projection": ix.Projection, "copied": strings.Join(copied, ","),
		}}
		keep := safeAttrs(t, attrs, present)
		f.Remediation += fmt.Sprintf("\n\nFor %s: ProjectionType INCLUDE with NonKeyAttributes %s (or KEYS_ONLY).", ix.Name, jsonList(without(keep, ix.Keys)))
		out = append(out, f)
	}
	if t.SSE == "AWS owned key" {
		f := metas[audit.DynamoNoCMK]
		f.Confidence = finding.ConfidenceHigh
		f.Path, f.URL, f.Subject = base, base, "sse"
		f.Title = fmt.Sprintf("Table %s is encrypted with an AWS owned key, not a customer managed key", t.Name)
		f.Evidence = finding.Evidence{Request: "DescribeTable " + t.Name, Details: map[string]string{"sse": "AWS owned key (no SSEDescription)"}}
		out = append(out, f)
	}
	if t.PITR == "DISABLED" {
		f := metas[audit.DynamoNoPITR]
		f.Confidence = finding.ConfidenceHigh
		f.Path, f.URL, f.Subject = base, base, "pitr"
		f.Title = fmt.Sprintf("Point-in-time recovery is off for table %s", t.Name)
		f.Evidence = finding.Evidence{Request: "DescribeContinuousBackups " + t.Name, Details: map[string]string{"point_in_time_recovery": "DISABLED"}}
		out = append(out, f)
	}
	meta := t.details()
	for i := range out {
		for k, v := range meta {
			if _, ok := out[i].Evidence.Details[k]; !ok {
				out[i].Evidence.Details[k] = v
			}
		}
	}
	return out
}

// details describes the table for the evidence of its findings: keys,
// indexes, encryption, point-in-time recovery and TTL.
func (t *Table) details() map[string]string {
	var ix []string
	for _, i := range t.Indexes {
		kind := "LSI"
		if i.Global {
			kind = "GSI"
		}
		ix = append(ix, fmt.Sprintf("%s (%s on %s, %s)", i.Name, kind, strings.Join(i.Keys, "+"), i.Projection))
	}
	orElse := func(s, def string) string {
		if s == "" {
			return def
		}
		return s
	}
	sse := t.SSE
	if t.KMSKey != "" {
		sse += " " + t.KMSKey
	}
	return map[string]string{
		"table_keys":             strings.Join(t.Keys, "+"),
		"table_indexes":          orElse(strings.Join(ix, "; "), "none"),
		"table_encryption":       sse,
		"point_in_time_recovery": orElse(t.PITR, "unknown"),
		"time_to_live":           orElse(t.TTL, "off or unknown"),
	}
}

func (a *auditor) reproduce(table, attr string) string {
	names, _ := json.Marshal(map[string]string{"#a": attr})
	cmd := fmt.Sprintf("aws dynamodb scan --table-name %s --projection-expression '#a' --expression-attribute-names '%s' --max-items 5",
		shellQuote(table), strings.ReplaceAll(string(names), "'", `'\''`))
	if a.o.Region != "" {
		cmd += " --region " + shellQuote(a.o.Region)
	}
	if a.o.Endpoint != "" {
		cmd += " --endpoint-url " + shellQuote(a.o.Endpoint)
	}
	return cmd
}

func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// sensitiveAttrs lists the attributes with any detected sensitive value,
// slow password hashes included.
func sensitiveAttrs(attrs map[string]*seen) map[string]bool {
	out := map[string]bool{}
	for k := range attrs {
		out[k] = true
	}
	return out
}

// safeAttrs are the attributes seen in the sample that hold nothing
// sensitive, plus the table's key attributes (a read with
// dynamodb:Attributes must be allowed the key), sorted.
func safeAttrs(t *Table, attrs map[string]*seen, present map[string]int) []string {
	var out []string
	for k := range present {
		if attrs[k] == nil || contains(t.Keys, k) {
			out = append(out, k)
		}
	}
	for _, k := range t.Keys {
		if present[k] == 0 {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// tableRemedy makes the remediation concrete for one table: what to move
// or encrypt, what to rehash, a ProjectionExpression for the read paths,
// and an IAM policy that allows reading only the safe attributes.
func tableRemedy(t *Table, attrs map[string]*seen, present map[string]int) string {
	var move, rehash, hide, keys []string
	for attr, s := range attrs {
		worst := finding.Info
		password, slowHash := false, false
		for typ, ts := range s.types {
			switch {
			case typ == string(detect.TypePassword) || typ == string(detect.TypePasswordHash) && len(ts.fast) > 0:
				password = true
			case typ == string(detect.TypePasswordHash):
				slowHash = true
			default:
				worst = max(worst, audit.Severity(typ))
			}
		}
		switch {
		case contains(t.Keys, attr):
			keys = append(keys, attr)
		case password:
			rehash = append(rehash, attr)
		case worst >= finding.Medium:
			move = append(move, attr)
		case slowHash || worst > finding.Info:
			hide = append(hide, attr)
		}
	}
	for _, l := range [][]string{move, rehash, hide, keys} {
		sort.Strings(l)
	}
	safe := safeAttrs(t, attrs, present)
	var b strings.Builder
	fmt.Fprintf(&b, "For table %s:\n\n", t.Name)
	if len(move) > 0 {
		fmt.Fprintf(&b, "- Move out of the item, or encrypt client-side before PutItem: %s.\n\n", strings.Join(move, ", "))
	}
	if len(rehash) > 0 {
		fmt.Fprintf(&b, "- Rehash (argon2id, scrypt or bcrypt) at the next login: %s.\n\n", strings.Join(rehash, ", "))
	}
	if len(hide) > 0 {
		fmt.Fprintf(&b, "- Keep out of the read paths that do not need them: %s.\n\n", strings.Join(hide, ", "))
	}
	if len(keys) > 0 {
		fmt.Fprintf(&b, "- Key attributes that hold personal data (replace them with opaque ids): %s.\n\n", strings.Join(keys, ", "))
	}
	placeholders := make([]string, len(safe))
	names := map[string]string{}
	for i, s := range safe {
		placeholders[i] = "#a" + strconv.Itoa(i)
		names[placeholders[i]] = s
	}
	namesJSON, _ := json.Marshal(names)
	fmt.Fprintf(&b, "- Read paths name only the safe attributes (%s): ProjectionExpression=%q, ExpressionAttributeNames=%s.\n\n",
		strings.Join(safe, ", "), strings.Join(placeholders, ", "), namesJSON)
	pj, _ := json.MarshalIndent(readPolicy(t, safe), "", "  ")
	fmt.Fprintf(&b, "- IAM policy for the roles of those read paths (dynamodb:Attributes, dynamodb:Select):\n\n```json\n%s\n```", pj)
	return b.String()
}

// iamPolicy is an IAM policy document, fields in the order AWS shows them.
type iamPolicy struct {
	Version   string         `json:"Version"`
	Statement []iamStatement `json:"Statement"`
}

type iamStatement struct {
	Sid       string                    `json:"Sid"`
	Effect    string                    `json:"Effect"`
	Action    []string                  `json:"Action"`
	Resource  []string                  `json:"Resource"`
	Condition map[string]map[string]any `json:"Condition"`
}

// readPolicy allows the read operations on the table and its indexes only
// when every attribute asked for is in safe and the caller names them
// (Select SPECIFIC_ATTRIBUTES): AWS's documented pattern for limiting
// access to attributes (IAM condition keys dynamodb:Attributes and
// dynamodb:Select).
func readPolicy(t *Table, safe []string) iamPolicy {
	arn := t.ARN
	if arn == "" {
		arn = "arn:aws:dynamodb:REGION:ACCOUNT:table/" + t.Name
	}
	return iamPolicy{Version: "2012-10-17", Statement: []iamStatement{{
		Sid:      "ReadSafeAttributesOnly",
		Effect:   "Allow",
		Action:   []string{"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan"},
		Resource: []string{arn, arn + "/index/*"},
		Condition: map[string]map[string]any{
			"ForAllValues:StringEquals": {"dynamodb:Attributes": safe},
			"StringEqualsIfExists":      {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"},
		},
	}}}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func without(s, drop []string) []string {
	var out []string
	for _, x := range s {
		if !contains(drop, x) {
			out = append(out, x)
		}
	}
	return out
}

func jsonList(s []string) string {
	if s == nil {
		s = []string{}
	}
	b, _ := json.Marshal(s)
	return string(b)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
