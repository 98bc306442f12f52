package cli

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/spf13/pflag"
)

// NetworkConfig is how requests reach the target: a forward proxy, headers
// sent on every request, the User-Agent and TLS settings.
type NetworkConfig struct {
	// Proxy picks a request's proxy; nil sends requests directly, whatever
	// HTTPS_PROXY says.
	Proxy func(*http.Request) (*url.URL, error)
	// ProxyName describes the proxy for logs: "env", or its URL without
	// credentials; "" without a proxy.
	ProxyName string
	// Header is sent on every request of every identity (-H).
	Header    http.Header
	UserAgent string
	// TLS is nil for the defaults (system roots, no client certificate).
	TLS *tls.Config
}

type networkFlags struct {
	proxy      string
	headers    []string
	userAgent  string
	insecure   bool
	caCert     string
	clientCert string
	clientKey  string
}

// fileNetwork is the YAML shape of the network settings in --config.
type fileNetwork struct {
	Proxy      string            `yaml:"proxy"`
	Headers    map[string]string `yaml:"headers"`
	UserAgent  string            `yaml:"user_agent"`
	Insecure   *bool             `yaml:"insecure"`
	CACert     string            `yaml:"ca_cert"`
	ClientCert string            `yaml:"client_cert"`
	ClientKey  string            `yaml:"client_key"`
}

func (f *networkFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.proxy, "proxy", "", "send every request through this HTTP(S) or SOCKS5 proxy URL (http://, https://, socks5://; Burp, ZAP), or 'env' for HTTPS_PROXY/HTTP_PROXY/NO_PROXY")
	fs.StringArrayVarP(&f.headers, "header", "H", nil, "'NAME: VALUE' header sent on every request of every identity (repeatable), such as an API gateway key")
	fs.StringVar(&f.userAgent, "user-agent", "", "User-Agent of every request (default leakhound/VERSION)")
	fs.BoolVar(&f.insecure, "insecure", false, "do not verify the target's TLS certificate")
	fs.StringVar(&f.caCert, "ca-cert", "", "PEM file of CA certificates to trust for the target, besides the system's")
	fs.StringVar(&f.clientCert, "client-cert", "", "PEM client certificate for mutual TLS (with --client-key)")
	fs.StringVar(&f.clientKey, "client-key", "", "PEM private key of --client-cert")
}

func (f *networkFlags) build(set func(string) bool, fc fileNetwork) (NetworkConfig, error) {
	pick := func(name, flagVal, fileVal string) string {
		if set(name) || fileVal == "" {
			return flagVal
		}
		return fileVal
	}
	var c NetworkConfig
	var err error
	if c.Proxy, c.ProxyName, err = parseProxy(pick("proxy", f.proxy, fc.Proxy)); err != nil {
		return c, usagef("--proxy: %v", err)
	}
	lines := f.headers
	if !set("header") {
		for k, v := range fc.Headers {
			// Values in the file may reference environment variables, as
			// identities' do: secrets stay out of the file.
			v, err := expandEnv(v)
			if err != nil {
				return c, usagef("config header %s: %v", k, err)
			}
			lines = append(lines, k+": "+v)
		}
	}
	if c.Header, err = parseHeaders(lines); err != nil {
		return c, usageError{err}
	}
	c.UserAgent = pick("user-agent", f.userAgent, fc.UserAgent)
	if strings.ContainsAny(c.UserAgent, "\r\n") {
		return c, usagef("--user-agent has a line break")
	}
	insecure := f.insecure
	if !set("insecure") && fc.Insecure != nil {
		insecure = *fc.Insecure
	}
	c.TLS, err = tlsConfig(insecure, pick("ca-cert", f.caCert, fc.CACert), pick("client-cert", f.clientCert, fc.ClientCert), pick("client-key", f.clientKey, fc.ClientKey))
	if err != nil {
		return c, usageError{err}
	}
	return c, nil
}

// parseProxy reads --proxy: "" (none), "env" or an http, https or socks5 URL.
func parseProxy(s string) (func(*http.Request) (*url.URL, error), string, error) {
	s = strings.TrimSpace(s)
	switch s {
	case "":
		return nil, "", nil
	case "env":
		return http.ProxyFromEnvironment, "env", nil
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return nil, "", fmt.Errorf("%q is not a proxy URL such as http://127.0.0.1:8080 (or 'env')", redactURL(s))
	}
	switch u.Scheme {
	case "http", "https", "socks5", "socks5h":
	default:
		return nil, "", fmt.Errorf("proxy scheme %q: want http, https or socks5", u.Scheme)
	}
	return http.ProxyURL(u), redactURL(s), nil
}

// redactURL drops the user information of a URL, for messages.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		if i := strings.LastIndexByte(s, '@'); i >= 0 {
			return "…" + s[i:]
		}
		return s
	}
	u.User = nil
	return u.String()
}

// headerRefused lists headers -H may not set: the client owns them, and
// Host would not change where requests go anyway.
var headerRefused = map[string]bool{"Host": true, "Content-Length": true, "Transfer-Encoding": true, "Connection": true}

// parseHeaders reads -H 'NAME: VALUE' lines. The name keeps the case typed.
// Values are never echoed in errors: they are often API keys.
func parseHeaders(lines []string) (http.Header, error) {
	if len(lines) == 0 {
		return nil, nil
	}
	h := http.Header{}
	for _, line := range lines {
		name, value, ok := strings.Cut(line, ":")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if !ok || name == "" {
			return nil, errors.New("--header: want 'NAME: VALUE'")
		}
		if !validHeaderToken(name) {
			return nil, fmt.Errorf("--header: %q is not a valid header name", name)
		}
		if headerRefused[http.CanonicalHeaderKey(name)] {
			return nil, fmt.Errorf("--header: %s is set by leakhound itself", name)
		}
		if strings.ContainsAny(value, "\r\n") {
			return nil, fmt.Errorf("--header %s: the value has a line break", name)
		}
		h[name] = append(h[name], value)
	}
	return h, nil
}

func validHeaderToken(h string) bool {
	for _, r := range h {
		if r <= ' ' || r >= 0x7f || strings.ContainsRune(`()<>@,;:\"/[]?={}`, r) {
			return false
		}
	}
	return h != ""
}

// tlsConfig builds the TLS settings of --insecure, --ca-cert, --client-cert
// and --client-key; nil when all are unset.
func tlsConfig(insecure bool, caFile, certFile, keyFile string) (*tls.Config, error) {
	if !insecure && caFile == "" && certFile == "" && keyFile == "" {
		return nil, nil
	}
	c := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: insecure} //nolint:gosec // the user asked for it with --insecure
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("--ca-cert: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--ca-cert %s: no PEM certificate in it", caFile)
		}
		c.RootCAs = pool
	}
	if (certFile == "") != (keyFile == "") {
		return nil, errors.New("--client-cert and --client-key go together")
	}
	if certFile != "" {
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, fmt.Errorf("--client-cert/--client-key: %w", err)
		}
		c.Certificates = []tls.Certificate{cert}
	}
	return c, nil
}
