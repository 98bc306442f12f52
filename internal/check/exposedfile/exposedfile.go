// Package exposedfile requests a bounded list of sensitive files (.env, .git,
// Flask source, logs, backups, credentials) from the site root and the static
// folder, and reports those whose content proves what they are. A 200 status
// alone proves nothing: every candidate is compared with a soft-404 baseline
// and must pass a content check for its kind.
package exposedfile

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/transport"
)

// Check is the exposed-file check.
type Check struct {
}

var (
	_ check.Check    = (*Check)(nil)
	_ check.SiteWide = (*Check)(nil)
)

// New returns the check.
func New() *Check { return &Check{} }

// SiteWide makes the engine run the check once.
func (*Check) SiteWide() bool { return true }

// Meta describes the check.
func (*Check) Meta() check.Meta {
	return check.Meta{
		ID:          "exposed-file",
		Title:       "Sensitive file exposed",
		Severity:    finding.Medium,
		CWE:         []string{"CWE-538", "CWE-540", "CWE-532"},
		OWASP:       "API8:2023",
		Description: "A file that should never leave the server is downloadable: environment files, source code, logs, backups or repository metadata.",
		Remediation: "Serve only a dedicated static directory and keep everything else outside it:\n\n```python\napp = Flask(__name__, static_folder=\"public\", static_url_path=\"/static\")  # never static_folder=\".\"\n```\n\nMove `.env`, `config.py`, `instance/`, logs and backups out of the web root, deny dotfiles at the proxy (`location ~ /\\. { deny all; }`), and rotate every secret that was exposed.",
	}
}

// kind is what a file should contain.
type kind int

const (
	kindEnv kind = iota
	kindGitHead
	kindGitConfig
	kindPython
	kindRequirements
	kindAWS
	kindLog
	kindListing
	kindSwap
	kindJSONDump
	kindSQLDump
	kindCompose
	kindDSStore
)

type candidate struct {
	path string
	kind kind
}

var rootFiles = []candidate{
	{".env", kindEnv}, {".env.local", kindEnv}, {".env.production", kindEnv}, {".env.prod", kindEnv}, {".env.dev", kindEnv}, {".env.bak", kindEnv}, {".flaskenv", kindEnv},
	{".git/HEAD", kindGitHead}, {".git/config", kindGitConfig},
	{"config.py", kindPython}, {"settings.py", kindPython}, {"app.py", kindPython}, {"wsgi.py", kindPython}, {"main.py", kindPython}, {"instance/config.py", kindPython},
	{"requirements.txt", kindRequirements},
	{".aws/credentials", kindAWS},
	{"app.log", kindLog}, {"error.log", kindLog}, {"debug.log", kindLog}, {"logs/app.log", kindLog}, {"logs/error.log", kindLog}, {"log/app.log", kindLog}, {"logs/", kindListing},
	{"config.py.bak", kindPython}, {"app.py.bak", kindPython}, {"app.py.old", kindPython}, {"config.py~", kindPython}, {"app.py~", kindPython}, {".app.py.swp", kindSwap}, {".config.py.swp", kindSwap},
	{"dump.json", kindJSONDump}, {"backup.sql", kindSQLDump}, {"dump.sql", kindSQLDump},
	{"docker-compose.yml", kindCompose}, {".DS_Store", kindDSStore},
}

// staticFiles are tried under /static/, where a mis-set static_folder puts
// the project directory.
var staticFiles = []candidate{
	{".env", kindEnv}, {"config.py", kindPython}, {"app.py", kindPython}, {"settings.py", kindPython}, {"instance/config.py", kindPython},
	{"requirements.txt", kindRequirements}, {"app.log", kindLog}, {"logs/app.log", kindLog}, {".git/HEAD", kindGitHead},
	{"dump.json", kindJSONDump}, {"backup.sql", kindSQLDump}, {".DS_Store", kindDSStore},
}

// soft404 is what the site answers for paths that cannot exist.
type soft404 struct {
	status int
	bodies [][]byte // normalised: the random name removed
}

// notFoundName is a name no site serves. It is fixed, not random, so that
// two scans of one target send the same requests and report the same URLs.
func notFoundName() string { return "leakhound-not-found-5f3c9e1a7b" }

func (s *soft404) matches(path string, resp *transport.Response) bool {
	if resp.Status != s.status {
		return false
	}
	body := normalise(resp.Body, path)
	for _, b := range s.bodies {
		if bytes.Equal(body, b) {
			return true
		}
		// Pages that embed the request differently still have the same size.
		if len(b) > 0 && abs(len(body)-len(b)) <= 2+len(path) && sameShape(body, b) {
			return true
		}
	}
	return false
}

func sameShape(a, b []byte) bool {
	n := min(len(a), len(b), 64)
	return bytes.Equal(a[:n], b[:n])
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func normalise(body []byte, path string) []byte {
	name := path[strings.LastIndexByte(path, '/')+1:]
	b := bytes.ReplaceAll(body, []byte(path), nil)
	if name != "" {
		b = bytes.ReplaceAll(b, []byte(name), nil)
	}
	return b
}

// Run fetches the baseline and every candidate.
func (c *Check) Run(ctx context.Context, ep surface.Endpoint, env check.Env) ([]finding.Finding, error) {
	anon := transport.Anonymous()
	base := map[string]*soft404{}
	fetchBase := func(prefix string) *soft404 {
		if s, ok := base[prefix]; ok {
			return s
		}
		s := &soft404{status: -1}
		for _, p := range []string{prefix + notFoundName() + ".txt", prefix + "." + notFoundName()} {
			resp, err := env.Do(ctx, transport.Request{Path: p, NoCache: true}, anon)
			if err != nil {
				continue
			}
			if s.status == -1 || resp.Status == http.StatusOK {
				s.status = resp.Status
			}
			s.bodies = append(s.bodies, normalise(resp.Body, p))
		}
		base[prefix] = s
		return s
	}
	var out []finding.Finding
	try := func(prefix string, list []candidate) {
		s := fetchBase(prefix)
		for _, cand := range list {
			if ctx.Err() != nil {
				return
			}
			p := prefix + cand.path
			resp, err := env.Do(ctx, transport.Request{Path: p}, anon)
			if err != nil || resp.Status != http.StatusOK || resp.Redirect != "" || len(resp.Body) == 0 {
				continue
			}
			if s.status == http.StatusOK && s.matches(p, resp) {
				continue
			}
			if !verify(cand.kind, resp) {
				continue
			}
			// A verifier that accepts the site's own not-found page proves nothing.
			if s.status == http.StatusOK && anyVerifies(cand.kind, s) {
				continue
			}
			out = append(out, c.report(p, cand.kind, resp, anon))
		}
	}
	try("/", rootFiles)
	try("/static/", staticFiles)
	return out, ctx.Err()
}

func anyVerifies(k kind, s *soft404) bool {
	for _, b := range s.bodies {
		if verify(k, &transport.Response{Status: http.StatusOK, Body: b, Header: http.Header{}}) {
			return true
		}
	}
	return false
}

var (
	reEnvLine  = regexp.MustCompile(`(?m)^\s*(?:export\s+)?[A-Z][A-Z0-9_]{1,64}\s*=`)
	reGitHead  = regexp.MustCompile(`^(?:ref: refs/[\w./-]+|[0-9a-f]{40})\s*$`)
	rePyImport = regexp.MustCompile(`(?m)^\s*(?:import [\w.]+|from [\w.]+ import )`)
	rePyBody   = regexp.MustCompile(`(?m)^\s*(?:def \w+\(|class \w+|[A-Za-z_][\w.]*\s*=|@\w+)`)
	reReqLine  = regexp.MustCompile(`(?m)^[A-Za-z0-9][A-Za-z0-9_.\-\[\],]*\s*(?:[=<>!~]=|>|<)\s*[\w.*]+`)
	reLogLine  = regexp.MustCompile(`(?m)^.{0,40}(?:\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}|\b(?:INFO|ERROR|WARNING|DEBUG|CRITICAL)\b)`)
	reListing  = regexp.MustCompile(`(?i)<title>Index of /|href="[^"]+\.log"`)
	reSQL      = regexp.MustCompile(`(?i)\b(?:CREATE TABLE|INSERT INTO)\b`)
	reCompose  = regexp.MustCompile(`(?m)^services:\s*$`)
	reComposeB = regexp.MustCompile(`(?m)^\s+(?:image|build):`)
)

func isHTML(b []byte) bool {
	head := bytes.ToLower(b[:min(len(b), 512)])
	return bytes.Contains(head, []byte("<html")) || bytes.Contains(head, []byte("<!doctype html"))
}

// verify checks that a body is the kind of file it should be.
func verify(k kind, resp *transport.Response) bool {
	b := resp.Body
	switch k {
	case kindDSStore:
		return len(b) >= 8 && string(b[4:8]) == "Bud1"
	case kindSwap:
		return bytes.HasPrefix(b, []byte("b0VIM"))
	case kindListing:
		return reListing.Match(b)
	}
	if isHTML(b) {
		return false
	}
	s := string(b)
	switch k {
	case kindEnv:
		return len(reEnvLine.FindAllStringIndex(s, 3)) >= 2 && !json.Valid(b)
	case kindGitHead:
		return reGitHead.MatchString(strings.TrimSpace(s))
	case kindGitConfig:
		return strings.Contains(s, "[core]") && strings.Contains(s, "repositoryformatversion")
	case kindPython:
		return rePyImport.MatchString(s) && rePyBody.MatchString(s) && !json.Valid(b)
	case kindRequirements:
		return reReqLine.MatchString(s) && !json.Valid(b)
	case kindAWS:
		return strings.Contains(s, "aws_access_key_id")
	case kindLog:
		return len(reLogLine.FindAllStringIndex(s, 3)) >= 2 && !json.Valid(b)
	case kindJSONDump:
		var v any
		if json.Unmarshal(b, &v) != nil {
			return false
		}
		switch t := v.(type) {
		case []any:
			return len(t) >= 2
		case map[string]any:
			_, items := t["Items"]
			return items || len(t) >= 3
		}
		return false
	case kindSQLDump:
		return reSQL.MatchString(s)
	case kindCompose:
		return reCompose.MatchString(s) && reComposeB.MatchString(s)
	}
	return false
}

var kindNames = map[kind]string{
	kindEnv: "environment file", kindGitHead: "Git repository metadata", kindGitConfig: "Git repository config",
	kindPython: "Python source", kindRequirements: "dependency list", kindAWS: "AWS credentials file",
	kindLog: "log file", kindListing: "log directory listing", kindSwap: "editor swap file (source)",
	kindJSONDump: "data dump", kindSQLDump: "SQL dump", kindCompose: "docker-compose file", kindDSStore: ".DS_Store directory index",
}

func (c *Check) report(p string, k kind, resp *transport.Response, id transport.Identity) finding.Finding {
	f := check.New(c.Meta(), surface.Endpoint{Method: http.MethodGet, Path: p}, resp, id)
	ms := detect.Find(resp.Body, resp.ContentType())
	secrets := detect.Only(ms, detect.Secret)
	pii := detect.Only(ms, detect.PII)
	name := kindNames[k]
	f.Title = "Exposed " + name + ": " + p
	// The primary CWE says what kind of file leaked; content adds to it and
	// sets the severity.
	primary := "CWE-538"
	switch k {
	case kindPython, kindSwap, kindGitHead, kindGitConfig:
		primary = "CWE-540"
	case kindLog, kindListing:
		primary = "CWE-532"
	}
	f.CWE = []string{primary}
	if primary != "CWE-538" {
		f.CWE = append(f.CWE, "CWE-538")
	}
	switch {
	case len(secrets) > 0 || k == kindAWS:
		f.Severity = finding.Critical
		f.CWE = append(f.CWE, "CWE-798", "CWE-522")
		f.Description = "A " + name + " is downloadable and contains secrets or credentials. Treat them as compromised."
	case detect.Serious(pii):
		f.Severity = finding.High
		f.CWE = append(f.CWE, "CWE-359")
		f.Description = "A " + name + " is downloadable and contains personal data."
	case primary == "CWE-540":
		f.Severity = finding.Medium
		f.Description = "A " + name + " is downloadable: source code and repository history show an attacker how the API works and often hold secrets."
	case primary == "CWE-532":
		f.Severity = finding.Medium
		f.Description = "A " + name + " is downloadable."
	default:
		f.Severity = finding.Low
		f.Description = "A " + name + " is downloadable: it tells an attacker about the deployment."
	}
	if len(secrets) > 0 && len(pii) > 0 && detect.Serious(pii) {
		f.CWE = append(f.CWE, "CWE-359")
		f.Description = "A " + name + " is downloadable and contains secrets and personal data. Treat the secrets as compromised."
	}
	var values []finding.Value
	for _, m := range append(secrets, pii...) {
		values = append(values, m.Value())
	}
	ex := resp.Body
	if k == kindDSStore || k == kindSwap {
		ex = ex[:min(len(ex), 8)]
	}
	excerpt := detect.Excerpt(ex, resp.ContentType(), 0, 400)
	f.Evidence = finding.NewEvidence(check.RequestLine(http.MethodGet, resp.URL), resp.Status, excerpt, values)
	f.Evidence.Details = map[string]string{"kind": name, "content_type": resp.Header.Get("Content-Type")}
	if len(values) > 0 {
		f.Evidence.Details["sensitive_types"] = detect.JoinTypes(detect.Types(append(secrets, pii...)))
	}
	return f
}
