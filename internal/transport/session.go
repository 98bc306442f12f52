package transport

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
)

// redactedBody replaces the bodies of login exchanges in the record.
const redactedBody = "[login exchange redacted]"

// MaxLogins bounds how many times one identity logs in during a scan.
const MaxLogins = 20

// ErrLogin wraps every failure of an identity's login flow.
var ErrLogin = errors.New("login failed")

// session is the login state of one identity.
type session struct {
	mu     sync.Mutex
	header http.Header
	gen    int  // bumped by every successful login
	worked bool // a request of this generation got a non-401 answer
	err    error
	logins int
	// current is header, readable without waiting for a login in flight
	// (passive checks ask for it while holding a connection slot).
	current atomic.Pointer[http.Header]
}

func (c *Client) session(id Identity) *session {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.sessions[id.Name]
	if s == nil {
		s = &session{}
		c.sessions[id.Name] = s
	}
	return s
}

// Logins returns how many times identity name logged in.
func (c *Client) Logins(name string) int {
	c.mu.Lock()
	s := c.sessions[name]
	c.mu.Unlock()
	if s == nil {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logins
}

// SessionHeader returns the headers identity name's login flow yielded, or
// nil before its first login or after a failed one. It never logs in.
func (c *Client) SessionHeader(name string) http.Header {
	c.mu.Lock()
	s := c.sessions[name]
	c.mu.Unlock()
	if s == nil {
		return nil
	}
	if h := s.current.Load(); h != nil {
		return h.Clone()
	}
	return nil
}

// credentials returns the identity's login headers and their generation.
// It logs in when there is no session yet, or when stale is the current
// generation (the caller saw it expire). One login runs at a time per
// identity; the others wait for its headers.
func (c *Client) credentials(ctx context.Context, id Identity, stale int) (http.Header, int, error) {
	s := c.session(id)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.header != nil && s.gen != stale {
		return s.header, s.gen, nil
	}
	if s.err != nil && stale < 0 {
		return nil, s.gen, s.err // it failed before: do not hammer the login
	}
	if s.logins >= MaxLogins {
		return nil, s.gen, fmt.Errorf("identity %s: %w: more than %d logins in one scan", id.Name, ErrLogin, MaxLogins)
	}
	s.logins++
	h, err := id.Login.Login(WithCheck(ctx, "login"), c.sendLogin)
	if err != nil {
		if ctx.Err() != nil {
			s.logins--
			return nil, s.gen, ctx.Err()
		}
		s.header, s.err = nil, fmt.Errorf("identity %s: %w: %v", id.Name, ErrLogin, err)
		s.current.Store(nil)
		return nil, s.gen, s.err
	}
	s.header, s.err, s.worked = h, nil, false
	s.current.Store(&h)
	s.gen++
	return h, s.gen, nil
}

// sendLogin sends a login request as nobody, without retries or redirects.
func (c *Client) sendLogin(ctx context.Context, r Request) (*Response, error) {
	if r.Method == "" {
		r.Method = http.MethodPost
	}
	u, err := c.Resolve(r.Path)
	if err != nil {
		return nil, err
	}
	r.credentials = true
	// A login is counted for itself, not for the cached answer that
	// needed it.
	ctx = context.WithValue(ctx, entryKey{}, (*cacheEntry)(nil))
	return c.sendOnce(ctx, r, u, Anonymous())
}

// sendAs sends as an identity, logging it in first when it has a login
// flow, and logging in again once when a session that worked answers 401.
func (c *Client) sendAs(ctx context.Context, req Request, u *url.URL, id Identity) (*Response, error) {
	if id.Login == nil {
		return c.send(ctx, req, u, id, 0)
	}
	h, gen, err := c.credentials(ctx, id, -1)
	if err != nil {
		return nil, err
	}
	resp, err := c.send(ctx, req, u, withHeaders(id, h), 0)
	if err != nil {
		return nil, err
	}
	s := c.session(id)
	s.mu.Lock()
	if resp.Status != http.StatusUnauthorized {
		if s.gen == gen && resp.Status < 400 {
			s.worked = true
		}
		s.mu.Unlock()
		return resp, nil
	}
	expired := (s.gen == gen && s.worked) || s.gen != gen
	s.mu.Unlock()
	if !expired {
		return resp, nil // never worked: the 401 is the answer
	}
	if h, _, err = c.credentials(ctx, id, gen); err != nil {
		return nil, err
	}
	return c.send(ctx, req, u, withHeaders(id, h), 0)
}

func withHeaders(id Identity, h http.Header) Identity {
	out := id
	out.Header = id.Header.Clone()
	if out.Header == nil {
		out.Header = http.Header{}
	}
	for k, vs := range h {
		SetRaw(out.Header, k, vs...)
	}
	return out
}

// SessionHeaders returns the headers every login flow obtained so far, so
// that reports can scrub them wherever a target echoes them back.
func (c *Client) SessionHeaders() http.Header {
	out := http.Header{}
	c.mu.Lock()
	sessions := make([]*session, 0, len(c.sessions))
	for _, s := range c.sessions {
		sessions = append(sessions, s)
	}
	c.mu.Unlock()
	for _, s := range sessions {
		s.mu.Lock()
		for k, vs := range s.header {
			out[k] = append(out[k], vs...)
		}
		s.mu.Unlock()
	}
	return out
}
