package transport

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func newClient(t *testing.T, target string, mod func(*Config)) *Client {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Target: u, Concurrency: 4, Timeout: 5 * time.Second, MaxBody: 1 << 20, MaxRequests: 100, MaxRetries: 2}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var alice = Identity{Name: "alice", Header: http.Header{"Authorization": {"Bearer alice-secret-token"}}}

func TestRedirectToAnotherOriginIsNotFollowed(t *testing.T) {
	var leaked atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked.Add(1)
	}))
	defer other.Close()
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/steal", http.StatusFound)
	}))
	defer target.Close()

	c := newClient(t, target.URL, nil)
	resp, err := c.Do(context.Background(), Request{Path: "/go"}, alice)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != http.StatusFound || !resp.CrossOrigin || !strings.HasPrefix(resp.Redirect, other.URL) {
		t.Fatalf("want a recorded cross-origin redirect, got status %d redirect %q cross %v", resp.Status, resp.Redirect, resp.CrossOrigin)
	}
	if n := leaked.Load(); n != 0 {
		t.Fatalf("the other origin received %d requests", n)
	}
	ex := c.Exchanges()
	if len(ex) != 1 || !ex[0].CrossOrigin {
		t.Fatalf("want one recorded exchange marked cross-origin, got %+v", ex)
	}
}

func TestSameOriginRedirectIsFollowedWithCredentials(t *testing.T) {
	var gotAuth string
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/old" {
			http.Redirect(w, r, "/new", http.StatusMovedPermanently)
			return
		}
		gotAuth = r.Header.Get("Authorization")
		w.Write([]byte("ok"))
	}))
	defer target.Close()
	c := newClient(t, target.URL, nil)
	resp, err := c.Do(context.Background(), Request{Path: "/old"}, alice)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 200 || string(resp.Body) != "ok" || gotAuth == "" {
		t.Fatalf("same-origin redirect not followed with credentials: %d %q", resp.Status, resp.Body)
	}
}

func TestOutOfScopeRequestIsRefusedBeforeSending(t *testing.T) {
	var hits atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer other.Close()
	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer target.Close()
	c := newClient(t, target.URL, nil)
	for _, p := range []string{other.URL + "/x", "//" + strings.TrimPrefix(other.URL, "http://") + "/x", strings.Replace(target.URL, "http://", "https://", 1) + "/x"} {
		_, err := c.Do(context.Background(), Request{Path: p}, alice)
		if !errors.Is(err, ErrOutOfScope) {
			t.Errorf("%s: want ErrOutOfScope, got %v", p, err)
		}
	}
	if hits.Load() != 0 || c.Sent() != 0 {
		t.Fatalf("out-of-scope requests were sent: other=%d sent=%d", hits.Load(), c.Sent())
	}
}

func TestSlowResponseTimesOut(t *testing.T) {
	release := make(chan struct{})
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer target.Close()
	defer close(release)
	c := newClient(t, target.URL, func(c *Config) { c.Timeout = 100 * time.Millisecond })
	start := time.Now()
	_, err := c.Do(context.Background(), Request{Path: "/slow"}, Anonymous())
	if err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Fatalf("want a timeout error, got %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("timeout took %v", d)
	}
}

func TestSlowBodyIsCutByTheTimeout(t *testing.T) {
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("first part"))
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	defer target.Close()
	c := newClient(t, target.URL, func(c *Config) { c.Timeout = 150 * time.Millisecond })
	resp, err := c.Do(context.Background(), Request{Path: "/drip"}, Anonymous())
	if err != nil {
		t.Fatal(err)
	}
	if !resp.Truncated || string(resp.Body) != "first part" {
		t.Fatalf("want the partial body marked truncated, got %q truncated=%v", resp.Body, resp.Truncated)
	}
}

// heapGrowth runs f and returns how much the live heap grew.
func heapGrowth(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	if after.TotalAlloc < before.TotalAlloc {
		return 0
	}
	return after.TotalAlloc - before.TotalAlloc
}

func TestHugeBodyIsTruncatedWithBoundedMemory(t *testing.T) {
	const giB = 1 << 30
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chunk := make([]byte, 64<<10)
		for sent := 0; sent < giB; sent += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer target.Close()
	c := newClient(t, target.URL, func(c *Config) { c.MaxBody = 1 << 20 })
	var resp *Response
	var err error
	grew := heapGrowth(func() { resp, err = c.Do(context.Background(), Request{Path: "/huge"}, Anonymous()) })
	if err != nil {
		t.Fatal(err)
	}
	if !resp.Truncated || len(resp.Body) != 1<<20 {
		t.Fatalf("want a 1 MiB truncated body, got %d bytes truncated=%v", len(resp.Body), resp.Truncated)
	}
	if grew > 64<<20 {
		t.Fatalf("reading a 1 GiB body allocated %d MiB", grew>>20)
	}
}

func TestGzipBombIsDecodedUnderTheCap(t *testing.T) {
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Type", "application/json")
		zw, _ := gzip.NewWriterLevel(w, gzip.BestCompression)
		chunk := make([]byte, 1<<20)
		for range 1024 { // 1 GiB of zeros once decoded
			if _, err := zw.Write(chunk); err != nil {
				return
			}
		}
		zw.Close()
	}))
	defer target.Close()
	c := newClient(t, target.URL, func(c *Config) { c.MaxBody = 2 << 20 })
	var resp *Response
	var err error
	grew := heapGrowth(func() { resp, err = c.Do(context.Background(), Request{Path: "/bomb"}, Anonymous()) })
	if err != nil {
		t.Fatal(err)
	}
	if !resp.Truncated || len(resp.Body) != 2<<20 {
		t.Fatalf("want a 2 MiB truncated body, got %d truncated=%v", len(resp.Body), resp.Truncated)
	}
	if grew > 64<<20 {
		t.Fatalf("a gzip bomb allocated %d MiB", grew>>20)
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	var n atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.Write([]byte("ok"))
	}))
	defer target.Close()
	c := newClient(t, target.URL, nil)
	start := time.Now()
	resp, err := c.Do(context.Background(), Request{Path: "/limited"}, Anonymous())
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 200 || n.Load() != 2 {
		t.Fatalf("want a retried 200 after 2 requests, got %d after %d", resp.Status, n.Load())
	}
	if d := time.Since(start); d < 900*time.Millisecond {
		t.Fatalf("Retry-After: 1 not honoured, retried after %v", d)
	}
	if c.Sent() != 2 {
		t.Fatalf("retries count against the budget: sent=%d", c.Sent())
	}
}

func TestRetryAfterBeyondTheBoundGivesUp(t *testing.T) {
	var n atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer target.Close()
	c := newClient(t, target.URL, func(c *Config) { c.MaxRetryWait = time.Second })
	resp, err := c.Do(context.Background(), Request{Path: "/down"}, Anonymous())
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 503 || n.Load() != 1 {
		t.Fatalf("want one 503 returned at once, got %d after %d requests", resp.Status, n.Load())
	}
}

func TestRetryAfterDate(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	d, ok := RetryAfter(now.Add(7*time.Second).Format(http.TimeFormat), now)
	if !ok || d != 7*time.Second {
		t.Fatalf("got %v %v", d, ok)
	}
	if _, ok := RetryAfter("soon", now); ok {
		t.Fatal("garbage Retry-After accepted")
	}
}

func TestWriteMethodsNeedAllowWrite(t *testing.T) {
	var hits atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer target.Close()
	c := newClient(t, target.URL, nil)
	for _, m := range []string{"POST", "PUT", "PATCH", "DELETE"} {
		if _, err := c.Do(context.Background(), Request{Method: m, Path: "/x"}, alice); !errors.Is(err, ErrWriteNotAllowed) {
			t.Errorf("%s: want ErrWriteNotAllowed, got %v", m, err)
		}
	}
	for _, m := range []string{"GET", "HEAD", "OPTIONS"} {
		if _, err := c.Do(context.Background(), Request{Method: m, Path: "/x"}, alice); err != nil {
			t.Errorf("%s: %v", m, err)
		}
	}
	if hits.Load() != 3 {
		t.Fatalf("want 3 read requests sent, got %d", hits.Load())
	}
	w := newClient(t, target.URL, func(c *Config) { c.AllowWrite = true })
	if _, err := w.Do(context.Background(), Request{Method: "PUT", Path: "/x", Body: []byte("{}")}, alice); err != nil {
		t.Fatalf("PUT with AllowWrite: %v", err)
	}
}

func TestBudgetCacheAndCounts(t *testing.T) {
	var hits atomic.Int32
	var ua string
	var mu sync.Mutex
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		mu.Lock()
		ua = r.Header.Get("User-Agent")
		mu.Unlock()
		w.Write([]byte(r.URL.Path))
	}))
	defer target.Close()
	c := newClient(t, target.URL, func(c *Config) { c.MaxRequests = 3; c.UserAgent = "leakhound/test" })
	ctx := WithCheck(context.Background(), "one")
	var wg sync.WaitGroup
	for range 8 { // identical concurrent GETs are sent once
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Do(ctx, Request{Path: "/a"}, alice); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if _, err := c.Do(WithCheck(context.Background(), "two"), Request{Path: "/a"}, Anonymous()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Do(ctx, Request{Path: "/a", NoCache: true}, alice); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Do(ctx, Request{Path: "/b"}, alice); !errors.Is(err, ErrBudget) {
		t.Fatalf("want ErrBudget after 3 requests, got %v", err)
	}
	if hits.Load() != 3 || c.Sent() != 3 {
		t.Fatalf("want 3 requests sent, server saw %d, client counted %d", hits.Load(), c.Sent())
	}
	if got := c.SentByCheck(); got["one"] != 2 || got["two"] != 1 {
		t.Fatalf("per-check counts: %v", got)
	}
	if ua != "leakhound/test" {
		t.Fatalf("User-Agent %q", ua)
	}
}

func TestIdentityHeadersOnlyToTarget(t *testing.T) {
	var got http.Header
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r.Header.Clone() }))
	defer target.Close()
	c := newClient(t, target.URL, nil)
	// A check may not override the identity's credentials with its own.
	_, err := c.Do(context.Background(), Request{Path: "/", Header: http.Header{"Authorization": {"Bearer other"}}}, alice)
	if err != nil {
		t.Fatal(err)
	}
	if got.Get("Authorization") != "Bearer alice-secret-token" || len(got.Values("Authorization")) != 1 {
		t.Fatalf("Authorization sent: %q", got.Values("Authorization"))
	}
	for _, ex := range c.Exchanges() {
		if strings.Contains(ex.ReqHeader.Get("Authorization"), "alice-secret") {
			t.Fatal("recorded exchange holds the identity's credential")
		}
	}
}

func TestParseIdentity(t *testing.T) {
	for _, tc := range []struct {
		in, name, header, value string
		ok                      bool
	}{
		{"alice=Authorization: Bearer abc.def", "alice", "Authorization", "Bearer abc.def", true},
		{"bob=Cookie: session=xyz; other=1", "bob", "Cookie", "session=xyz; other=1", true},
		{"svc=X-API-Key:k123", "svc", "X-API-Key", "k123", true},
		{"u1=JWT_TOKEN: eyJ.x.y", "u1", "JWT_TOKEN", "eyJ.x.y", true},
		{"noequals", "", "", "", false},
		{"=Authorization: x", "", "", "", false},
		{"anonymous=Authorization: x", "", "", "", false},
		{"a=NoColon", "", "", "", false},
		{"a=Bad Header: x", "", "", "", false},
		{"a=X-Key: ", "", "", "", false},
	} {
		id, err := ParseIdentity(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("%q: err=%v", tc.in, err)
			continue
		}
		// The name is kept exactly as typed.
		if tc.ok && (id.Name != tc.name || len(id.Header[tc.header]) != 1 || id.Header[tc.header][0] != tc.value) {
			t.Errorf("%q: got %s %v", tc.in, id.Name, id.Header)
		}
		if err != nil && strings.Contains(err.Error(), "abc.def") {
			t.Errorf("error leaks the credential: %v", err)
		}
	}
}

func TestCurlUsesPlaceholders(t *testing.T) {
	got := Curl("GET", "http://127.0.0.1:8080/users/2", alice, nil, nil)
	want := `: "${ALICE_AUTHORIZATION:?export ALICE_AUTHORIZATION first: the Authorization header alice sends}"` + "\n" +
		`curl -sS -i -H "Authorization: $ALICE_AUTHORIZATION" 'http://127.0.0.1:8080/users/2'`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

// rawHeaderServer answers every HTTP/1.1 request with 200 and records the
// header lines exactly as they arrived (net/http's server canonicalises
// names, so it cannot tell JWT_TOKEN from Jwt_token).
func rawHeaderServer(t *testing.T) (string, func() []string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var lines []string
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				r := bufio.NewReader(conn)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					line = strings.TrimRight(line, "\r\n")
					if line == "" {
						_, _ = conn.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: application/json\r\n\r\n{}"))
						continue
					}
					mu.Lock()
					lines = append(lines, line)
					mu.Unlock()
				}
			}()
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return "http://" + ln.Addr().String(), func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), lines...)
	}
}

func TestIdentityHeaderNamesGoOutAsTyped(t *testing.T) {
	base, lines := rawHeaderServer(t)
	u, _ := url.Parse(base)
	c, err := New(Config{Target: u})
	if err != nil {
		t.Fatal(err)
	}
	id, err := ParseIdentity("u1=JWT_TOKEN: tok-1")
	if err != nil {
		t.Fatal(err)
	}
	// A request header of another case must not survive next to it.
	req := Request{Path: "/x", Header: http.Header{"Jwt_token": {"stale"}}}
	if _, err := c.Do(context.Background(), req, id); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(lines(), "\n")
	if !strings.Contains(got, "\nJWT_TOKEN: tok-1") {
		t.Errorf("JWT_TOKEN not sent as typed; request was:\n%s", got)
	}
	if strings.Contains(got, "Jwt_token") || strings.Contains(got, "stale") {
		t.Errorf("canonical or stale copy sent:\n%s", got)
	}
	if r := Curl("GET", base+"/x", id, nil, nil); !strings.Contains(r, `-H "JWT_TOKEN: $U1_JWT_TOKEN"`) {
		t.Errorf("curl rewrites the name: %s", r)
	}
}

func TestCurlRunsInAShell(t *testing.T) {
	// Values that would break quoting: the variable must expand, the
	// literal parts must stay literal.
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	got := CurlSecrets("POST", "http://127.0.0.1:1/a?b='c'", []Secret{{Header: "Authorization", Prefix: `Bearer "$x`, Var: "TOK"}}, http.Header{"Content-Type": {"application/json"}}, []byte(`{"a":"it's"}`))
	// Replace curl by printf to see the words the shell builds.
	script := strings.Replace(got, "curl -sS -i", `printf '%s\n'`, 1)
	script = "TOK=secret\n" + script
	out, err := exec.Command(sh, "-c", script).Output()
	if err != nil {
		t.Fatalf("%v\n%s", err, script)
	}
	want := "-X\nPOST\n-H\nAuthorization: Bearer \"$xsecret\n-H\nContent-Type: application/json\n--data-binary\n{\"a\":\"it's\"}\nhttp://127.0.0.1:1/a?b='c'\n"
	if string(out) != want {
		t.Errorf("shell words:\n%s\nwant\n%s", out, want)
	}
}

func TestRequireVarKeepsAnExportedValueAndFailsClearly(t *testing.T) {
	for _, shell := range []string{"sh", "bash"} {
		sh, err := exec.LookPath(shell)
		if err != nil {
			continue
		}
		requireVarIn(t, sh)
	}
}

func requireVarIn(t *testing.T, sh string) {
	line := RequireVar("ALICE_AUTHORIZATION", "the Authorization header alice's } sends $HOME")
	script := line + "\nprintf '%s' \"$ALICE_AUTHORIZATION\""
	// Exported before the paste: kept as it is.
	cmd := exec.Command(sh, "-c", script)
	cmd.Env = []string{"ALICE_AUTHORIZATION=Bearer abc"}
	out, err := cmd.Output()
	if err != nil || string(out) != "Bearer abc" {
		t.Errorf("%s, exported value: got %q, %v", sh, out, err)
	}
	// Not exported: stops before curl, naming the variable.
	cmd = exec.Command(sh, "-c", script)
	cmd.Env = []string{}
	out, err = cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "export ALICE_AUTHORIZATION first: the Authorization header alice_s _ sends _HOME") {
		t.Errorf("%s, missing value: got %q, %v", sh, out, err)
	}
}

// A malformed --identity names the identity when it is one, so the user
// can tell which flag is wrong, and never shows what looks like a
// credential.
func TestParseIdentityErrorNamesTheIdentity(t *testing.T) {
	for in, want := range map[string]string{
		"alice":                            `identity "alice"`,
		"carol:admin":                      `identity "carol:admin"`,
		"sk_live_4eC39HqLyjWDarjtT1zdp7dc": `identity "sk_l…"`,
		"Authorization: Bearer eyJhbGciOiJIUzI1Ni": `identity "Auth…"`,
	} {
		_, err := ParseIdentity(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %s", in, err, want)
		}
	}
}
