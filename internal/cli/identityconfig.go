package cli

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/leakhound/leakhound/internal/login"
	"github.com/leakhound/leakhound/internal/transport"
)

var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)`)

// expandEnv replaces $VAR and ${VAR}; an unset variable is an error, so a
// missing password is not silently sent as an empty one.
func expandEnv(s string) (string, error) {
	var missing string
	out := envRef.ReplaceAllStringFunc(s, func(m string) string {
		name := strings.Trim(m, "${}")
		v, ok := os.LookupEnv(name)
		if !ok && missing == "" {
			missing = name
		}
		return v
	})
	if missing != "" {
		return "", fmt.Errorf("environment variable %s is not set", missing)
	}
	return out, nil
}

// fileIdentityOf turns one identity of the config file into an identity:
// static headers, cookies, Basic authentication and a login flow may be
// combined; values may reference environment variables.
func fileIdentityOf(fi fileIdentity) (transport.Identity, error) {
	fail := func(err error) (transport.Identity, error) {
		return transport.Identity{}, fmt.Errorf("config identity %q: %w", fi.Name, err)
	}
	hdr := http.Header{}
	names := make([]string, 0, len(fi.Headers))
	for k := range fi.Headers {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v, err := expandEnv(fi.Headers[k])
		if err != nil {
			return fail(err)
		}
		transport.AddRaw(hdr, k, v)
	}
	if len(fi.Cookies) > 0 {
		cn := make([]string, 0, len(fi.Cookies))
		for k := range fi.Cookies {
			cn = append(cn, k)
		}
		sort.Strings(cn)
		var parts []string
		for _, k := range cn {
			v, err := expandEnv(fi.Cookies[k])
			if err != nil {
				return fail(err)
			}
			parts = append(parts, k+"="+v)
		}
		hdr.Add("Cookie", strings.Join(parts, "; "))
	}
	if fi.Basic != nil {
		user, err := expandEnv(fi.Basic.Username)
		if err != nil {
			return fail(err)
		}
		pass, err := expandEnv(fi.Basic.Password)
		if err != nil {
			return fail(err)
		}
		transport.SetRaw(hdr, "Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(user+":"+pass)))
	}
	var id transport.Identity
	if len(hdr) > 0 {
		// ParseIdentity validates the name and each header.
		first := true
		for k, vs := range hdr {
			for _, v := range vs {
				one, err := transport.ParseIdentity(fi.Name + "=" + k + ": " + v)
				if err != nil {
					return transport.Identity{}, fmt.Errorf("config: %w", err)
				}
				if first {
					id, first = one, false
					continue
				}
				for hk, hv := range one.Header {
					for _, v := range hv {
						transport.AddRaw(id.Header, hk, v)
					}
				}
			}
		}
	} else {
		if err := transport.ValidateName(fi.Name); err != nil {
			return transport.Identity{}, fmt.Errorf("config: %w", err)
		}
		id = transport.Identity{Name: fi.Name}
	}
	if fi.Role != "" {
		id.Role = fi.Role
	}
	if fi.Login != nil {
		flow, err := loginFlow(fi.Login)
		if err != nil {
			return fail(err)
		}
		id.Login = flow
	}
	if id.IsAnonymous() {
		return fail(fmt.Errorf("no headers, cookies, basic or login"))
	}
	return id, nil
}

func loginFlow(fl *fileLogin) (*login.Flow, error) {
	f := &login.Flow{
		Method: strings.ToUpper(fl.Method), Path: fl.Path, Header: http.Header{},
		TokenJSON: fl.Token.JSON, TokenHeader: fl.Token.Header, TokenCookie: fl.Token.Cookie,
		SendHeader: fl.Send.Header, SendFormat: fl.Send.Format,
	}
	for k, v := range fl.Headers {
		x, err := expandEnv(v)
		if err != nil {
			return nil, fmt.Errorf("login: %w", err)
		}
		f.Header.Set(k, x)
	}
	bodies := 0
	switch {
	case fl.JSON != nil:
		bodies++
		v, err := expandAny(fl.JSON)
		if err != nil {
			return nil, fmt.Errorf("login: %w", err)
		}
		if f.Body, err = json.Marshal(v); err != nil {
			return nil, fmt.Errorf("login json: %w", err)
		}
		if f.Header.Get("Content-Type") == "" {
			f.Header.Set("Content-Type", "application/json")
		}
	case fl.Form != nil:
		bodies++
		q := url.Values{}
		for k, v := range fl.Form {
			x, err := expandEnv(v)
			if err != nil {
				return nil, fmt.Errorf("login: %w", err)
			}
			q.Set(k, x)
		}
		f.Body = []byte(q.Encode())
		if f.Header.Get("Content-Type") == "" {
			f.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	}
	if fl.Body != "" {
		bodies++
		x, err := expandEnv(fl.Body)
		if err != nil {
			return nil, fmt.Errorf("login: %w", err)
		}
		f.Body = []byte(x)
	}
	if bodies > 1 {
		return nil, fmt.Errorf("login: give one of json, form or body")
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return f, nil
}

// expandAny expands environment variables in every string of a YAML value.
func expandAny(v any) (any, error) {
	switch t := v.(type) {
	case string:
		return expandEnv(t)
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, c := range t {
			x, err := expandAny(c)
			if err != nil {
				return nil, err
			}
			out[k] = x
		}
		return out, nil
	case []any:
		out := make([]any, len(t))
		for i, c := range t {
			x, err := expandAny(c)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	}
	return v, nil
}
