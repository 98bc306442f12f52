// Package all is the one explicit list of leakhound's checks.
package all

import (
	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/cachesensitive"
	"github.com/leakhound/leakhound/internal/check/cors"
	"github.com/leakhound/leakhound/internal/check/debugmode"
	"github.com/leakhound/leakhound/internal/check/errordisclosure"
	"github.com/leakhound/leakhound/internal/check/exposedfile"
	"github.com/leakhound/leakhound/internal/check/flasksession"
	"github.com/leakhound/leakhound/internal/check/jwtweakness"
	"github.com/leakhound/leakhound/internal/check/piiinurl"
	"github.com/leakhound/leakhound/internal/check/securityheaders"
	"github.com/leakhound/leakhound/internal/check/serverbanner"
	"github.com/leakhound/leakhound/internal/check/transportsecurity"
)

// Options are the settings some checks take, from the CLI's Config.
type Options struct {
	// Wordlist is extra candidate secrets for the Flask session and JWT
	// weak-key tests.
	Wordlist []string
	// ForgeSessions permits replaying a session re-signed with a cracked
	// SECRET_KEY on one GET.
	ForgeSessions bool
}

// Set is the checks of one scan. Some checks are both active and passive
// (one instance shares what it learnt).
type Set struct {
	Active  []check.Check
	Passive []check.Passive
}

// New builds the checks of one scan, in a stable order.
func New(o Options) Set {
	debug := debugmode.New()
	session := flasksession.New(flasksession.Options{Wordlist: o.Wordlist, Forge: o.ForgeSessions})
	jwts := jwtweakness.New(jwtweakness.Options{Wordlist: o.Wordlist})
	return Set{
		Active: []check.Check{
			errordisclosure.New(),
			debug,
			exposedfile.New(),
			session,
			jwts,
			cors.New(),
		},
		Passive: []check.Passive{
			serverbanner.New(),
			securityheaders.New(),
			debug,
			session,
			jwts,
			cachesensitive.New(),
			piiinurl.New(),
			transportsecurity.New(transportsecurity.Options{}),
		},
	}
}

// Active returns the checks that send requests, with default options.
func Active() []check.Check { return New(Options{}).Active }

// Passive returns the checks that read exchanges, with default options.
func Passive() []check.Passive { return New(Options{}).Passive }

// Metas lists the metadata of every check once, active then passive.
func Metas() []check.Meta {
	var out []check.Meta
	seen := map[string]bool{}
	s := New(Options{})
	for _, c := range s.Active {
		if m := c.Meta(); !seen[m.ID] {
			seen[m.ID] = true
			out = append(out, m)
		}
	}
	for _, c := range s.Passive {
		if m := c.Meta(); !seen[m.ID] {
			seen[m.ID] = true
			out = append(out, m)
		}
	}
	return out
}
