package cli

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"

	"github.com/leakhound/leakhound/internal/baseline"
	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/report"
	"github.com/leakhound/leakhound/internal/scan"
	"github.com/leakhound/leakhound/internal/suppress"
	"github.com/leakhound/leakhound/internal/surface/safety"
	"github.com/leakhound/leakhound/internal/transport"
	"github.com/leakhound/leakhound/internal/weakkey"
)

// Config is every setting of a scan, parsed and validated once at the edge.
// Inner packages receive the parts they need, never flags.
type Config struct {
	Target      *url.URL
	Spec        string
	Identities  []transport.Identity
	Format      string
	Output      string
	Reports     []ReportTarget
	FailOn      finding.Severity
	Rate        float64
	Concurrency int
	Timeout     time.Duration
	MaxRequests int
	MaxBody     int64
	// MaxMemory is the budget of cached answers and recorded exchanges.
	MaxMemory int64
	// MaxTime bounds the whole scan (0: none); MaxRetryWait is the longest
	// Retry-After honoured.
	MaxTime      time.Duration
	MaxRetryWait time.Duration
	AllowWrite   bool
	Reveal       bool
	Verbosity    int // -1 quiet, 0 default, 1+ verbose
	// Wordlist holds the entries of --wordlist: extra candidate secrets for
	// the Flask SECRET_KEY and JWT HMAC tests, read once here.
	Wordlist     []string
	WordlistFile string
	// ForgeSessions permits replaying a session re-signed with a cracked
	// SECRET_KEY (one GET) to prove impact.
	ForgeSessions bool
	// Suppressions accept findings (validated).
	Suppressions []suppress.Rule
	// Baseline is the previous report of --baseline, BaselinePath its file.
	Baseline     *finding.Report
	BaselinePath string
	// MinScore fails the run when the score is below it (0: never).
	MinScore int
	// Checks restricts the scan to these check ids (all when empty);
	// ExcludeChecks removes checks from that set.
	Checks        []string
	ExcludeChecks []string
	// SarifCategory is the SARIF automationDetails.id ("" derives it from
	// the target).
	SarifCategory string
	// ImplicitConfig names the config file read without --config (the one
	// in the working directory), so the command can announce it.
	ImplicitConfig string
	Network        NetworkConfig
	Safety         SafetyConfig
	// Progress, set by a front end, receives scan progress.
	Progress func(scan.Progress)
	Surface  SurfaceConfig
	// Rules describe the checks of the reports (SARIF rules, JUnit cases);
	// the scan's checks when nil, the audit rules for an audit.
	Rules []check.Meta
}

// SafetyConfig is what the scan may send (docs/safety.md).
type SafetyConfig struct {
	// StrictReadOnly refuses read-POSTs too (--strict-read-only).
	StrictReadOnly bool
	// Scope holds the --include/--exclude rules.
	Scope safety.Scope
	// WriteLog is the --write-log file the write journal is appended to.
	WriteLog string
}

// ReportTarget is one --report FORMAT=FILE.
type ReportTarget struct {
	Format string
	File   string
}

// fileConfig is the YAML shape of --config; every field is optional.
type fileConfig struct {
	Target      string         `yaml:"target"`
	Spec        string         `yaml:"spec"`
	Identities  []fileIdentity `yaml:"identities"`
	Format      string         `yaml:"format"`
	Output      string         `yaml:"output"`
	Reports     []string       `yaml:"reports"`
	FailOn      string         `yaml:"fail_on"`
	Rate        *float64       `yaml:"rate"`
	Concurrency *int           `yaml:"concurrency"`
	Timeout     string         `yaml:"timeout"`
	MaxRequests *int           `yaml:"max_requests"`
	MaxBody     string         `yaml:"max_body"`
	MaxMemory   string         `yaml:"max_memory"`
	MaxTime     string         `yaml:"max_time"`
	// MaxRetryWait is a duration such as 30s.
	MaxRetryWait string `yaml:"max_retry_wait"`
	AllowWrite   *bool  `yaml:"allow_write"`
	Reveal       *bool  `yaml:"reveal"`
	Baseline     string `yaml:"baseline"`
	MinScore     *int   `yaml:"min_score"`
	// Suppressions accept findings: see docs/ci.md.
	Suppressions  []suppress.Rule `yaml:"suppressions"`
	Wordlist      string          `yaml:"wordlist"`
	ForgeSessions *bool           `yaml:"forge_sessions"`
	Checks        []string        `yaml:"checks"`
	ExcludeChecks []string        `yaml:"exclude_checks"`
	SarifCategory string          `yaml:"sarif_category"`
	fileSurface   `yaml:",inline"`
	fileSafety    `yaml:",inline"`
	fileNetwork   `yaml:",inline"`
}

// fileSafety is the YAML shape of the safety settings in --config.
type fileSafety struct {
	Include        []string `yaml:"include"`
	Exclude        []string `yaml:"exclude"`
	StrictReadOnly *bool    `yaml:"strict_read_only"`
	WriteLog       string   `yaml:"write_log"`
}

// DefaultConfigFile is read when --config is not given and it exists in the
// working directory.
const DefaultConfigFile = ".leakhound.yaml"

type fileIdentity struct {
	Name    string            `yaml:"name"`
	Role    string            `yaml:"role"`
	Headers map[string]string `yaml:"headers"`
	Cookies map[string]string `yaml:"cookies"`
	Basic   *fileBasic        `yaml:"basic"`
	Login   *fileLogin        `yaml:"login"`
}

// fileBasic is HTTP Basic authentication.
type fileBasic struct {
	Username string `yaml:"username"`
	Password string `yaml:"password"`
}

// fileLogin is a login flow: the request, where its answer holds the token
// and how the token is sent back.
type fileLogin struct {
	Method  string            `yaml:"method"`
	Path    string            `yaml:"path"`
	Headers map[string]string `yaml:"headers"`
	JSON    any               `yaml:"json"`
	Form    map[string]string `yaml:"form"`
	Body    string            `yaml:"body"`
	Token   struct {
		JSON   string `yaml:"json"`
		Header string `yaml:"header"`
		Cookie string `yaml:"cookie"`
	} `yaml:"token"`
	Send struct {
		Header string `yaml:"header"`
		Format string `yaml:"format"`
	} `yaml:"send"`
}

const (
	defaultTimeout   = 10 * time.Second
	defaultRetryWait = 30 * time.Second
)

// scanFlags holds the raw flag values of scan and demo.
type scanFlags struct {
	config        string
	spec          string
	identities    []string
	format        string
	output        string
	reports       []string
	failOn        string
	rate          float64
	concurrency   int
	timeout       time.Duration
	maxRequests   int
	maxBody       string
	maxMemory     string
	maxTime       time.Duration
	retryWait     time.Duration
	allowWrite    bool
	reveal        bool
	quiet         bool
	verbose       int
	wordlist      string
	forge         bool
	baseline      string
	minScore      int
	surface       surfaceFlags
	noConfig      bool
	checks        []string
	excludeChecks []string
	sarifCategory string
	network       networkFlags
	safety        safetyFlags
}

// safetyFlags are the flags of docs/safety.md.
type safetyFlags struct {
	include        []string
	exclude        []string
	strictReadOnly bool
	writeLog       string
}

// register defines the safety flags on fs; --write-log only where writes
// may happen.
func (f *safetyFlags) register(fs *pflag.FlagSet, writes bool) {
	fs.StringArrayVar(&f.include, "include", nil, "send only requests matching '[METHOD ]/glob' (repeatable; * one segment, ** any; e.g. '/api/**')")
	fs.StringArrayVar(&f.exclude, "exclude", nil, "never send requests matching '[METHOD ]/glob' (repeatable; wins over --include; e.g. 'DELETE /api/*', '/admin/**')")
	fs.BoolVar(&f.strictReadOnly, "strict-read-only", false, "send no POST at all, not even the ones named as reads (search, query, export, ...)")
	if writes {
		fs.StringVar(&f.writeLog, "write-log", "", "append every write to FILE as JSON lines as it happens (with --allow-write)")
	}
}

// build merges the flags over the config file and validates the rules.
func (f *safetyFlags) build(set func(string) bool, fc fileSafety, allowWrite bool) (SafetyConfig, error) {
	var c SafetyConfig
	include, exclude := f.include, f.exclude
	if !set("include") {
		include = fc.Include
	}
	if !set("exclude") {
		exclude = fc.Exclude
	}
	for _, s := range include {
		r, err := safety.ParseRule(s)
		if err != nil {
			return c, usagef("--include: %v", err)
		}
		c.Scope.Include = append(c.Scope.Include, r)
	}
	for _, s := range exclude {
		r, err := safety.ParseRule(s)
		if err != nil {
			return c, usagef("--exclude: %v", err)
		}
		c.Scope.Exclude = append(c.Scope.Exclude, r)
	}
	c.StrictReadOnly = f.strictReadOnly
	if !set("strict-read-only") && fc.StrictReadOnly != nil {
		c.StrictReadOnly = *fc.StrictReadOnly
	}
	if c.StrictReadOnly && allowWrite {
		return c, usagef("--strict-read-only and --allow-write contradict each other")
	}
	c.WriteLog = f.writeLog
	if !set("write-log") && fc.WriteLog != "" {
		c.WriteLog = fc.WriteLog
	}
	return c, nil
}

// flagUse says which command a set of scan flags is registered for: each
// gets only the groups that mean something to it.
type flagUse int

const (
	forScan flagUse = iota
	forDemo
	forSurface
	forMCP
)

// groups defines the scan flags on titled groups, for the command use.
func (f *scanFlags) groups(use flagUse) []flagGroup {
	input := newGroup("Target and API description")
	ids := newGroup("Identities")
	safety := newGroup("Safety and scope")
	checks := newGroup("Checks")
	limits := newGroup("Limits")
	network := newGroup("Network")
	reports := newGroup("Reports")
	logging := newGroup("Logging")

	if use == forScan || use == forSurface || use == forMCP {
		fs := input.fs
		if use != forMCP {
			fs.StringVar(&f.config, "config", "", "YAML file with the same settings (flags win); without it ./"+DefaultConfigFile+" is read when present, and announced")
			fs.BoolVar(&f.noConfig, "no-config", false, "do not read ./"+DefaultConfigFile)
		}
		fs.StringVar(&f.spec, "spec", "", "OpenAPI 3.x/Swagger 2.0 document, JSON or YAML: a file, or a URL on the target")
		f.surface.register(fs)
		ids.fs.StringArrayVar(&f.identities, "identity", nil, "NAME[:ROLE]=HEADER: VALUE credentials of one identity (repeatable; repeat a NAME for more headers; ROLE such as admin or user)")
		f.surface.registerIdentities(ids.fs)

		fs = limits.fs
		fs.Float64Var(&f.rate, "rate", 50, "requests per second at most (0: no limit, for a target you own)")
		fs.IntVar(&f.concurrency, "concurrency", 10, "requests in flight at most")
		fs.DurationVar(&f.timeout, "timeout", defaultTimeout, "timeout of one request")
		fs.IntVar(&f.maxRequests, "max-requests", 5000, "request budget of the whole scan")
		fs.StringVar(&f.maxBody, "max-body", "8MiB", "bytes of each response body read at most")
		fs.StringVar(&f.maxMemory, "max-memory", "256MiB", "memory budget of the scan: cached answers and exchanges hold a quarter of it (older ones are evicted); the Go runtime's soft memory limit")
		fs.DurationVar(&f.maxTime, "max-time", 0, "stop the whole scan after DURATION and write the partial report (0: no limit)")
		fs.DurationVar(&f.retryWait, "max-retry-wait", defaultRetryWait, "longest Retry-After honoured on 429/503; a longer one ends that request's retries")

		f.network.register(network.fs)
	}
	if use == forScan || use == forMCP {
		safety.fs.BoolVar(&f.allowWrite, "allow-write", false, "permit write probes (restored and journaled; DELETE only to what the scan created; see docs/safety.md)")
	}
	if use == forScan || use == forSurface || use == forMCP {
		f.safety.register(safety.fs, use != forSurface)
	}
	if use != forSurface {
		fs := checks.fs
		fs.StringSliceVar(&f.checks, "checks", nil, "run only these checks (comma-separated ids; see 'leakhound checks')")
		fs.StringSliceVar(&f.excludeChecks, "exclude-checks", nil, "do not run these checks (comma-separated ids)")
		fs.StringVar(&f.wordlist, "wordlist", "", "FILE of extra candidate secrets (one a line) for the Flask SECRET_KEY and JWT secret tests")
		fs.BoolVar(&f.forge, "forge-sessions", false, "after cracking a Flask SECRET_KEY, prove it by sending one re-signed session on a GET")
	}
	if use == forScan || use == forDemo {
		fs := reports.fs
		fs.StringVar(&f.format, "format", "text", "report format on --output: "+strings.Join(report.Formats(), ", "))
		fs.StringVarP(&f.output, "output", "o", "", "write the report to FILE instead of stdout")
		fs.StringArrayVar(&f.reports, "report", nil, "also write FORMAT=FILE (repeatable)")
		fs.StringVar(&f.failOn, "fail-on", "high", "exit 1 when a finding at or above this severity exists: critical, high, medium, low, info")
		fs.BoolVar(&f.reveal, "reveal", false, "show evidence unmasked (raw personal data and secrets)")
		fs.StringVar(&f.sarifCategory, "sarif-category", "", "SARIF automationDetails.id (default: derived from the target's scheme and host)")
		if use == forScan {
			fs.StringVar(&f.baseline, "baseline", "", "previous JSON report: report only new findings, list fixed ones")
			fs.IntVar(&f.minScore, "min-score", 0, "exit 1 when the score is below N (0-100)")
		}
	}
	logging.fs.BoolVarP(&f.quiet, "quiet", "q", false, "log errors only")
	logging.fs.CountVarP(&f.verbose, "verbose", "v", "log more (-v, -vv)")
	return []flagGroup{input, ids, safety, checks, limits, network, reports, logging}
}

// usageError is a bad flag, argument or configuration: exit 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// build merges the config file (if any) under the flags and validates all.
func (f *scanFlags) build(fs *pflag.FlagSet, target string) (*Config, error) {
	var fc fileConfig
	// Defaults of flags the command does not register.
	f.failOn = cmp.Or(f.failOn, "high")
	f.maxBody = cmp.Or(f.maxBody, "8MiB")
	if f.noConfig && f.config != "" {
		return nil, usagef("--config and --no-config exclude each other")
	}
	implicit := ""
	if f.config == "" && !f.noConfig && fs.Lookup("config") != nil {
		if _, err := os.Stat(DefaultConfigFile); err == nil {
			f.config, implicit = DefaultConfigFile, DefaultConfigFile
		}
	}
	if f.config != "" {
		b, err := os.ReadFile(f.config)
		if err != nil {
			return nil, usagef("read config: %w", err)
		}
		if fc, err = decodeConfig(b); err != nil {
			return nil, usagef("config %s: %v", f.config, err)
		}
	}
	set := func(name string) bool { return fs.Lookup(name) != nil && fs.Changed(name) }
	// Commands that do not register the bounds (demo) keep their defaults.
	if f.maxMemory == "" {
		f.maxMemory = "256MiB"
	}
	if f.retryWait == 0 && !set("max-retry-wait") {
		f.retryWait = defaultRetryWait
	}
	pick := func(name, flagVal, fileVal string) string {
		if set(name) || fileVal == "" {
			return flagVal
		}
		return fileVal
	}
	c := &Config{ImplicitConfig: implicit}
	if target == "" {
		target = fc.Target
	}
	if target == "" {
		return nil, usagef("scan needs a TARGET_URL")
	}
	u, err := parseTarget(target)
	if err != nil {
		return nil, usageError{err}
	}
	c.Target = u
	c.Spec = pick("spec", f.spec, fc.Spec)
	c.Format = strings.ToLower(pick("format", f.format, fc.Format))
	if c.Format == "" {
		c.Format = "text" // commands without report flags
	}
	if _, err := report.New(c.Format, report.Options{}); err != nil {
		return nil, usagef("--format: %v", err)
	}
	c.Output = pick("output", f.output, fc.Output)
	reports := f.reports
	if !set("report") {
		reports = fc.Reports
	}
	for _, r := range reports {
		format, file, ok := strings.Cut(r, "=")
		if !ok || format == "" || file == "" {
			return nil, usagef("--report %q: want FORMAT=FILE", r)
		}
		if _, err := report.New(format, report.Options{}); err != nil {
			return nil, usagef("--report: %v", err)
		}
		c.Reports = append(c.Reports, ReportTarget{Format: strings.ToLower(format), File: file})
	}
	if c.FailOn, err = finding.ParseSeverity(pick("fail-on", f.failOn, fc.FailOn)); err != nil {
		return nil, usagef("--fail-on: %v", err)
	}
	c.Rate = f.rate
	if !set("rate") && fc.Rate != nil {
		c.Rate = *fc.Rate
	}
	if c.Rate < 0 {
		return nil, usagef("--rate must not be negative")
	}
	c.Concurrency = f.concurrency
	if !set("concurrency") && fc.Concurrency != nil {
		c.Concurrency = *fc.Concurrency
	}
	if c.Concurrency < 1 || c.Concurrency > 1000 {
		return nil, usagef("--concurrency must be between 1 and 1000")
	}
	c.Timeout = f.timeout
	if !set("timeout") && fc.Timeout != "" {
		if c.Timeout, err = time.ParseDuration(fc.Timeout); err != nil {
			return nil, usagef("config timeout: %v", err)
		}
	}
	if c.Timeout <= 0 {
		return nil, usagef("--timeout must be positive")
	}
	c.MaxRequests = f.maxRequests
	if !set("max-requests") && fc.MaxRequests != nil {
		c.MaxRequests = *fc.MaxRequests
	}
	if c.MaxRequests < 1 {
		return nil, usagef("--max-requests must be at least 1")
	}
	if c.MaxBody, err = parseSize(pick("max-body", f.maxBody, fc.MaxBody)); err != nil {
		return nil, usagef("--max-body: %v", err)
	}
	if c.MaxMemory, err = parseSize(pick("max-memory", f.maxMemory, fc.MaxMemory)); err != nil {
		return nil, usagef("--max-memory: %v", err)
	}
	if c.MaxMemory < 1<<20 {
		return nil, usagef("--max-memory must be at least 1MiB")
	}
	if c.MaxTime, err = pickDuration(set("max-time"), f.maxTime, fc.MaxTime, "max_time"); err != nil {
		return nil, err
	}
	if c.MaxTime < 0 {
		return nil, usagef("--max-time must not be negative")
	}
	if c.MaxRetryWait, err = pickDuration(set("max-retry-wait"), f.retryWait, fc.MaxRetryWait, "max_retry_wait"); err != nil {
		return nil, err
	}
	if c.MaxRetryWait < 0 {
		return nil, usagef("--max-retry-wait must not be negative")
	}
	c.AllowWrite = f.allowWrite
	if !set("allow-write") && fc.AllowWrite != nil {
		c.AllowWrite = *fc.AllowWrite
	}
	c.Reveal = f.reveal
	if !set("reveal") && fc.Reveal != nil {
		c.Reveal = *fc.Reveal
	}
	c.WordlistFile = pick("wordlist", f.wordlist, fc.Wordlist)
	if c.WordlistFile != "" {
		if c.Wordlist, err = weakkey.Load(c.WordlistFile); err != nil {
			return nil, usagef("--wordlist: %v", err)
		}
	}
	c.ForgeSessions = f.forge
	if !set("forge-sessions") && fc.ForgeSessions != nil {
		c.ForgeSessions = *fc.ForgeSessions
	}
	c.Verbosity = f.verbose
	if f.quiet {
		c.Verbosity = -1
	}
	if c.Identities, err = identities(fc.Identities, f.identities); err != nil {
		return nil, usageError{err}
	}
	c.Suppressions = fc.Suppressions
	if err := suppress.ValidateAll(c.Suppressions); err != nil {
		return nil, usagef("config %s: %v", f.config, err)
	}
	c.MinScore = f.minScore
	if !set("min-score") && fc.MinScore != nil {
		c.MinScore = *fc.MinScore
	}
	if c.MinScore < 0 || c.MinScore > 100 {
		return nil, usagef("--min-score must be between 0 and 100")
	}
	if c.BaselinePath = pick("baseline", f.baseline, fc.Baseline); c.BaselinePath != "" {
		if c.Baseline, err = baseline.Load(c.BaselinePath); err != nil {
			return nil, usagef("--baseline %s: %v", c.BaselinePath, err)
		}
	}
	if c.Surface, err = f.surface.build(set, fc.fileSurface); err != nil {
		return nil, err
	}
	if c.Network, err = f.network.build(set, fc.fileNetwork); err != nil {
		return nil, err
	}
	if c.Safety, err = f.safety.build(set, fc.fileSafety, c.AllowWrite); err != nil {
		return nil, err
	}
	c.SarifCategory = pick("sarif-category", f.sarifCategory, fc.SarifCategory)
	c.Checks = f.checks
	if !set("checks") && len(fc.Checks) > 0 {
		c.Checks = fc.Checks
	}
	c.ExcludeChecks = f.excludeChecks
	if !set("exclude-checks") && len(fc.ExcludeChecks) > 0 {
		c.ExcludeChecks = fc.ExcludeChecks
	}
	if err := validateCheckIDs(c.Checks, c.ExcludeChecks); err != nil {
		return nil, err
	}
	for _, t := range append([]ReportTarget{{Format: c.Format, File: c.Output}}, c.Reports...) {
		if err := checkWritable(t.File); err != nil {
			return nil, usagef("report %s: %v", t.Format, err)
		}
	}
	return c, nil
}

// pickDuration returns the flag's value when it was set or the file has
// none, else the file's.
func pickDuration(flagSet bool, flagVal time.Duration, fileVal, key string) (time.Duration, error) {
	if flagSet || fileVal == "" {
		return flagVal, nil
	}
	d, err := time.ParseDuration(fileVal)
	if err != nil {
		return 0, usagef("config %s: %v", key, err)
	}
	return d, nil
}

// decodeConfig reads the YAML of a --config file; unknown keys are errors.
func decodeConfig(b []byte) (fileConfig, error) {
	var fc fileConfig
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&fc); err != nil && !errors.Is(err, io.EOF) {
		return fileConfig{}, err
	}
	return fc, nil
}

func parseTarget(s string) (*url.URL, error) {
	s = strings.TrimSpace(s)
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		// host:port or a bare host: say what was probably meant.
		if !strings.Contains(s, "://") && s != "" {
			if h, err := url.Parse("http://" + s); err == nil && h.Hostname() != "" {
				return nil, fmt.Errorf("target %q: want an http:// or https:// URL (did you mean http://%s ?)", s, s)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("target %q is not a URL", s)
		}
		return nil, fmt.Errorf("target %q: want an http:// or https:// URL", s)
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, fmt.Errorf("target %q has no host", s)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("target %q: bad port", s)
		}
	}
	if u.User != nil {
		return nil, fmt.Errorf("target must not carry credentials; use --identity")
	}
	u.Fragment = ""
	return u, nil
}

// identities merges file identities and --identity flags; a name given
// several times gathers several headers.
func identities(file []fileIdentity, flags []string) ([]transport.Identity, error) {
	var out []transport.Identity
	index := map[string]int{}
	add := func(id transport.Identity) {
		if i, ok := index[id.Name]; ok {
			if out[i].Header == nil && len(id.Header) > 0 {
				out[i].Header = map[string][]string{}
			}
			for k, vs := range id.Header {
				transport.SetRaw(out[i].Header, k, vs...)
			}
			if id.Role != "" {
				out[i].Role = id.Role
			}
			if id.Login != nil {
				out[i].Login = id.Login
			}
			return
		}
		index[id.Name] = len(out)
		out = append(out, id)
	}
	for _, fi := range file {
		id, err := fileIdentityOf(fi)
		if err != nil {
			return nil, err
		}
		add(id)
	}
	for _, s := range flags {
		id, err := transport.ParseIdentity(s)
		if err != nil {
			return nil, fmt.Errorf("--identity: %w", err)
		}
		add(id)
	}
	return out, nil
}

// parseSize reads 8MiB, 512KiB, 1MB, 1024.
func parseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	units := []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"kB", 1e3}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q is not a positive size such as 8MiB", s)
	}
	if n > (1<<40)/mult {
		return 0, fmt.Errorf("size too large")
	}
	return n * mult, nil
}
