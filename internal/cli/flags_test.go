package cli

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/baseline"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/testapi"
)

// TestHelp: every command's help goes to stdout with a summary, grouped
// flags and examples; `leakhound help CMD` prints the same.
func TestHelp(t *testing.T) {
	for _, c := range commands() {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := run(context.Background(), c.name, "--help")
			if code != 0 || errs != "" {
				t.Fatalf("exit %d, stderr %q", code, errs)
			}
			if !strings.Contains(out, "Usage:\n  leakhound "+c.name) || !strings.Contains(out, "Examples:\n  leakhound "+c.name) {
				t.Fatalf("help lacks usage or examples:\n%s", out)
			}
			code2, out2, _ := run(context.Background(), "help", c.name)
			if code2 != 0 || out2 != out {
				t.Fatalf("'help %s' differs from '%s --help'", c.name, c.name)
			}
			assertGolden(t, "help-"+c.name, out)
		})
	}
	if code, _, errs := run(context.Background(), "help", "attack"); code != 2 || !strings.Contains(errs, `no command "attack"`) {
		t.Fatalf("help of an unknown command: exit %d, %q", code, errs)
	}
	// Flags that mean nothing to a command are not offered by it.
	for cmd, absent := range map[string][]string{
		"surface": {"--fail-on", "--report", "--baseline", "--allow-write", "--checks"},
		"mcp":     {"--format", "--output", "--report", "--fail-on", "--config"},
		"demo":    {"--identity", "--spec", "--rate"},
	} {
		_, out, _ := run(context.Background(), cmd, "--help")
		for _, f := range absent {
			if strings.Contains(out, f+" ") {
				t.Errorf("%s --help offers %s", cmd, f)
			}
		}
	}
}

// recorder is a target that records what reached it.
type recorder struct {
	mu      sync.Mutex
	headers []http.Header
	n       atomic.Int64
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.n.Add(1)
	r.mu.Lock()
	r.headers = append(r.headers, req.Header.Clone())
	r.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"status":"ok"}`))
}

func (r *recorder) all() []http.Header {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]http.Header(nil), r.headers...)
}

// TestProxy: with --proxy every request goes through the proxy, none
// around it.
func TestProxy(t *testing.T) {
	target := &recorder{}
	srv := httptest.NewServer(target)
	t.Cleanup(srv.Close)
	var proxied atomic.Int64
	direct := &http.Transport{Proxy: nil}
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !r.URL.IsAbs() {
			http.Error(w, "not a proxy request", http.StatusBadRequest)
			return
		}
		proxied.Add(1)
		out := r.Clone(r.Context())
		out.RequestURI = ""
		out.Header.Set("Via", "1.1 test-proxy")
		resp, err := direct.RoundTrip(out)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		for k, vs := range resp.Header {
			w.Header()[k] = vs
		}
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
	}))
	t.Cleanup(proxy.Close)
	t.Cleanup(direct.CloseIdleConnections)

	code, _, errs := run(context.Background(), "scan", srv.URL, "--proxy", proxy.URL, "--max-requests", "60", "--discovery-requests", "20", "-q")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if proxied.Load() == 0 || proxied.Load() != target.n.Load() {
		t.Fatalf("proxy saw %d requests, target %d: every request must go through the proxy", proxied.Load(), target.n.Load())
	}
	for _, h := range target.all() {
		if h.Get("Via") == "" {
			t.Fatal("a request reached the target without the proxy")
		}
	}
	if code, _, errs := run(context.Background(), "scan", srv.URL, "--proxy", "ftp://127.0.0.1:1"); code != 2 || !strings.Contains(errs, "--proxy") {
		t.Fatalf("bad proxy scheme: exit %d %q", code, errs)
	}
	if code, _, errs := run(context.Background(), "scan", srv.URL, "--proxy", "http://user:hunter2@127.0.0.1:1", "-q", "--max-requests", "5"); code == 2 || strings.Contains(errs, "hunter2") {
		t.Fatalf("a proxy URL with credentials: exit %d, stderr %q must not echo them", code, errs)
	}
}

// TestGlobalHeadersAndUserAgent: -H and --user-agent reach every request,
// the anonymous identity's too, keep the case typed, and the header's value
// never appears in a report.
func TestGlobalHeadersAndUserAgent(t *testing.T) {
	target := &recorder{}
	srv := httptest.NewServer(target)
	t.Cleanup(srv.Close)
	const key = "gw-key-7f3a9c2e51"
	code, out, errs := run(context.Background(), "scan", srv.URL, "-H", "X-Api-Gateway-Key: "+key, "--header", "X-Tenant: acme",
		"--user-agent", "acme-security-scan/1.0", "--max-requests", "40", "--discovery-requests", "10", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	hs := target.all()
	if len(hs) == 0 {
		t.Fatal("no request reached the target")
	}
	for _, h := range hs {
		if h.Get("X-Api-Gateway-Key") != key || h.Get("X-Tenant") != "acme" || h.Get("User-Agent") != "acme-security-scan/1.0" {
			t.Fatalf("a request lacks the global headers or user agent: %v", h)
		}
	}
	if strings.Contains(out+errs, key) {
		t.Fatal("the -H value appears in the output")
	}
	var rep finding.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		if !strings.Contains(f.Reproduce, `-H "X-Api-Gateway-Key: $LEAKHOUND_HEADER_X_API_GATEWAY_KEY"`) {
			t.Fatalf("reproduction without the scan's header placeholder: %s", f.Reproduce)
		}
	}
	if len(rep.Findings) == 0 {
		t.Fatal("no finding to check the reproduction of")
	}
	for _, bad := range [][]string{{"-H", "X-Key"}, {"-H", "Host: evil.test"}, {"-H", "Bad Name: x"}} {
		code, _, errs := run(context.Background(), append([]string{"scan", srv.URL}, bad...)...)
		if code != 2 || !strings.Contains(errs, "--header") {
			t.Errorf("%q: exit %d %q", bad, code, errs)
		}
	}
}

// TestCheckSelection: --checks and --exclude-checks pick the checks; an
// unknown id is a usage error.
func TestCheckSelection(t *testing.T) {
	low := serveLowOnly(t)
	checksIn := func(args ...string) map[string]bool {
		t.Helper()
		_, out, errs := run(context.Background(), append([]string{"scan", low, "--format", "json", "--fail-on", "critical"}, args...)...)
		var rep finding.Report
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("%v: %s", err, errs)
		}
		got := map[string]bool{}
		for _, f := range rep.Findings {
			got[f.Check] = true
		}
		return got
	}
	all := checksIn()
	if !all["server-banner"] || !all["security-headers"] {
		t.Fatalf("the low-only API should give server-banner and security-headers, got %v", all)
	}
	if got := checksIn("--checks", "server-banner"); len(got) != 1 || !got["server-banner"] {
		t.Errorf("--checks server-banner gave %v", got)
	}
	if got := checksIn("--exclude-checks", "server-banner"); got["server-banner"] || !got["security-headers"] {
		t.Errorf("--exclude-checks server-banner gave %v", got)
	}
	for _, args := range [][]string{{"--checks", "sql-injection"}, {"--exclude-checks", "nope"}, {"--checks", "server-banner", "--exclude-checks", "server-banner"}} {
		code, _, errs := run(context.Background(), append([]string{"scan", low}, args...)...)
		if code != 2 || !(strings.Contains(errs, "unknown check") || strings.Contains(errs, "no check")) {
			t.Errorf("%q: exit %d %q", args, code, errs)
		}
	}
}

// TestOutputCheckedBeforeScan: an unwritable report path is a usage error
// that names the user's path, before any request.
func TestOutputCheckedBeforeScan(t *testing.T) {
	target := &recorder{}
	srv := httptest.NewServer(target)
	t.Cleanup(srv.Close)
	missing := filepath.Join(t.TempDir(), "no-such-folder", "report.json")
	for _, args := range [][]string{{"-o", missing}, {"--report", "sarif=" + missing}} {
		code, _, errs := run(context.Background(), append([]string{"scan", srv.URL}, args...)...)
		if code != 2 || !strings.Contains(errs, missing) || strings.Contains(errs, ".leakhound-") {
			t.Errorf("%q: exit %d, stderr %q (want exit 2 naming the path)", args, code, errs)
		}
	}
	if n := target.n.Load(); n != 0 {
		t.Fatalf("%d requests sent before the output error", n)
	}
}

// TestImplicitConfigAnnounced: ./.leakhound.yaml is read only with an
// announcement, and --no-config ignores it.
func TestImplicitConfigAnnounced(t *testing.T) {
	low := serveLowOnly(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, DefaultConfigFile), []byte("fail_on: low\nheaders:\n  X-Team: blue\n  X-Key: ${LEAKHOUND_TEST_KEY}\nuser_agent: from-config\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	t.Setenv("LEAKHOUND_TEST_KEY", "from-env")
	code, _, errs := run(context.Background(), "scan", low)
	if code != 1 || !strings.Contains(errs, "using ./"+DefaultConfigFile) {
		t.Fatalf("implicit config: exit %d, stderr %q", code, errs)
	}
	code, _, errs = run(context.Background(), "scan", low, "--no-config")
	if code != 0 || strings.Contains(errs, "using ./") {
		t.Fatalf("--no-config: exit %d, stderr %q", code, errs)
	}
	if code, _, errs := run(context.Background(), "scan", low, "--no-config", "--config", DefaultConfigFile); code != 2 {
		t.Fatalf("--config with --no-config: exit %d %q", code, errs)
	}
	cfg, err := buildConfig(t, low)
	if err != nil || cfg.Network.UserAgent != "from-config" || cfg.Network.Header.Get("X-Team") != "blue" || cfg.Network.Header.Get("X-Key") != "from-env" {
		t.Fatalf("network settings from the config file: %+v %v", cfg.Network, err)
	}
}

// TestTLSFlags: a self-signed target fails without --insecure or
// --ca-cert; mutual TLS works with --client-cert/--client-key.
func TestTLSFlags(t *testing.T) {
	target := &recorder{}
	quiet := log.New(io.Discard, "", 0) // refused handshakes are expected here
	srv := httptest.NewUnstartedServer(target)
	srv.Config.ErrorLog = quiet
	srv.StartTLS()
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	writePEM(t, ca, "CERTIFICATE", srv.Certificate().Raw)
	short := []string{"--max-requests", "20", "--discovery-requests", "5", "-q"}
	if code, _, errs := run(context.Background(), append([]string{"scan", srv.URL}, short...)...); code != 3 {
		t.Fatalf("self-signed without --insecure: exit %d %q", code, errs)
	}
	for _, extra := range [][]string{{"--insecure"}, {"--ca-cert", ca}} {
		if code, _, errs := run(context.Background(), append(append([]string{"scan", srv.URL}, short...), extra...)...); code != 0 {
			t.Fatalf("%q: exit %d %q", extra, code, errs)
		}
	}
	if code, _, errs := run(context.Background(), "scan", srv.URL, "--ca-cert", filepath.Join(dir, "none.pem")); code != 2 || !strings.Contains(errs, "--ca-cert") {
		t.Fatalf("missing CA file: exit %d %q", code, errs)
	}

	// Mutual TLS: the server asks for a client certificate it knows.
	certPEM, keyPEM, clientCert := clientCertificate(t, dir)
	pool := x509.NewCertPool()
	pool.AddCert(clientCert)
	mtls := httptest.NewUnstartedServer(target)
	mtls.TLS = &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool}
	mtls.Config.ErrorLog = quiet
	mtls.StartTLS()
	t.Cleanup(mtls.Close)
	base := append([]string{"scan", mtls.URL, "--insecure"}, short...)
	if code, _, _ := run(context.Background(), base...); code != 3 {
		t.Fatalf("mutual TLS without a client certificate: exit %d, want 3", code)
	}
	if code, _, errs := run(context.Background(), append(base, "--client-cert", certPEM, "--client-key", keyPEM)...); code != 0 {
		t.Fatalf("mutual TLS with a client certificate: exit %d %q", code, errs)
	}
	if code, _, errs := run(context.Background(), append(base, "--client-cert", certPEM)...); code != 2 || !strings.Contains(errs, "go together") {
		t.Fatalf("--client-cert alone: exit %d %q", code, errs)
	}
}

func writePEM(t *testing.T, name, kind string, der []byte) {
	t.Helper()
	if err := os.WriteFile(name, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// clientCertificate makes a self-signed client certificate and its key.
func clientCertificate(t *testing.T, dir string) (certFile, keyFile string, cert *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "leakhound-test-client"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "client.pem"), filepath.Join(dir, "client-key.pem")
	writePEM(t, certFile, "CERTIFICATE", der)
	writePEM(t, keyFile, "EC PRIVATE KEY", kder)
	cert, err = x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile, cert
}

// TestBaselineKnowsCoverage: a finding whose operation stopped answering
// (404 for the ids tried) is "not re-tested", never "fixed"; one whose
// operation answered again without the flaw is fixed.
func TestBaselineKnowsCoverage(t *testing.T) {
	vuln := serve(t, testapi.Vulnerable)
	dir := t.TempDir()
	old := filepath.Join(dir, "old.json")
	alice := "alice=Authorization: Bearer " + testapi.AliceToken
	bob := "bob=Authorization: Bearer " + testapi.BobToken
	if code, _, errs := run(context.Background(), "scan", vuln, "--identity", alice, "--identity", bob, "-o", old, "--format", "json", "-q"); code != 1 {
		t.Fatalf("first scan: exit %d %s", code, errs)
	}
	prev, err := baseline.Load(old)
	if err != nil {
		t.Fatal(err)
	}
	var bola finding.Finding
	for _, f := range prev.Findings {
		if f.Check == "bola" || f.Check == "bola-adjacent-id" {
			bola = f
			break
		}
	}
	if bola.Check == "" {
		t.Fatal("the vulnerable API should give a BOLA finding")
	}
	// The same API, where the BOLA's objects now answer 404.
	prefix := bola.Path[:strings.Index(bola.Path, "{")]
	api := testapi.New(testapi.Vulnerable)
	gone := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, prefix) {
			http.NotFound(w, r)
			return
		}
		api.ServeHTTP(w, r)
	}))
	t.Cleanup(gone.Close)
	fixed := serve(t, testapi.Fixed)

	rebase := func(target string) *finding.BaselineResult {
		t.Helper()
		_, out, errs := run(context.Background(), "scan", target, "--identity", alice, "--identity", bob, "--baseline", old, "--format", "json", "-q")
		var rep finding.Report
		if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Baseline == nil {
			t.Fatalf("%v %s", err, errs)
		}
		return rep.Baseline
	}
	in := func(fs []finding.FixedFinding, fp string) bool {
		for _, f := range fs {
			if f.Fingerprint == fp {
				return true
			}
		}
		return false
	}
	b := rebase(gone.URL)
	if in(b.Fixed, bola.Fingerprint) || !in(b.NotRetested, bola.Fingerprint) {
		t.Errorf("%s %s answered 404: want it not re-tested, got fixed=%v not_retested=%v", bola.Check, bola.Path, in(b.Fixed, bola.Fingerprint), in(b.NotRetested, bola.Fingerprint))
	}
	b = rebase(fixed)
	if !in(b.Fixed, bola.Fingerprint) {
		t.Errorf("%s %s answered again without the flaw: want it fixed (not re-tested: %v)", bola.Check, bola.Path, in(b.NotRetested, bola.Fingerprint))
	}
}
