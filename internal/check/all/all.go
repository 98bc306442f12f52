// Package all is the one explicit list of leakhound's checks.
package all

import (
	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/authbypass"
	"github.com/leakhound/leakhound/internal/check/authnotenforced"
	"github.com/leakhound/leakhound/internal/check/bfla"
	"github.com/leakhound/leakhound/internal/check/bola"
	"github.com/leakhound/leakhound/internal/check/bolaadjacent"
	"github.com/leakhound/leakhound/internal/check/cachesensitive"
	"github.com/leakhound/leakhound/internal/check/cors"
	"github.com/leakhound/leakhound/internal/check/credentialexposure"
	"github.com/leakhound/leakhound/internal/check/debugmode"
	"github.com/leakhound/leakhound/internal/check/deprecatedlive"
	"github.com/leakhound/leakhound/internal/check/errordisclosure"
	"github.com/leakhound/leakhound/internal/check/exposedfile"
	"github.com/leakhound/leakhound/internal/check/flasksession"
	"github.com/leakhound/leakhound/internal/check/graphql"
	"github.com/leakhound/leakhound/internal/check/internal/authz"
	"github.com/leakhound/leakhound/internal/check/jwtweakness"
	"github.com/leakhound/leakhound/internal/check/massassign"
	"github.com/leakhound/leakhound/internal/check/missingauth"
	"github.com/leakhound/leakhound/internal/check/piiexposure"
	"github.com/leakhound/leakhound/internal/check/piiinurl"
	"github.com/leakhound/leakhound/internal/check/piiunauthenticated"
	"github.com/leakhound/leakhound/internal/check/rawdatastore"
	"github.com/leakhound/leakhound/internal/check/securityheaders"
	"github.com/leakhound/leakhound/internal/check/serverbanner"
	"github.com/leakhound/leakhound/internal/check/spechygiene"
	"github.com/leakhound/leakhound/internal/check/transportsecurity"
	"github.com/leakhound/leakhound/internal/check/undocumentedendpoint"
	"github.com/leakhound/leakhound/internal/check/undocumentedfields"
	"github.com/leakhound/leakhound/internal/check/userenum"
	"github.com/leakhound/leakhound/internal/weakkey"
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

// Set is the checks of one scan. Some checks are both active and passive:
// one instance shares what it learnt.
type Set struct {
	Active  []check.Check
	Passive []check.Passive
}

// New builds the checks of one scan, in a stable order. The authorization
// checks share one learner, so what they learn about the identities and
// their objects is learnt once per scan.
func New(o Options) Set {
	learner := authz.NewLearner()
	debug := debugmode.New()
	// One harvest of the secrets the scan reads, tried as JWT and Flask keys.
	harvest := weakkey.NewHarvest()
	session := flasksession.New(flasksession.Options{Wordlist: o.Wordlist, Forge: o.ForgeSessions, Harvest: harvest})
	jwts := jwtweakness.New(jwtweakness.Options{Wordlist: o.Wordlist, Harvest: harvest})
	errs := errordisclosure.New()
	undoc := undocumentedfields.New()
	return Set{
		Active: []check.Check{
			bola.New(learner),
			bolaadjacent.New(learner),
			missingauth.New(learner),
			bfla.New(learner),
			userenum.New(learner),
			authbypass.New(learner),
			// Write probes (--allow-write only) run after every read check.
			bola.NewWrite(learner),
			massassign.New(learner),
			authnotenforced.New(),
			undoc,
			undocumentedendpoint.New(),
			deprecatedlive.New(),
			spechygiene.New(),
			errs,
			debug,
			exposedfile.New(),
			session,
			jwts,
			cors.New(),
			graphql.NewIntrospection(),
			graphql.NewSuggestions(),
			graphql.NewBatching(),
			graphql.NewCredentialArgument(),
		},
		Passive: []check.Passive{
			piiexposure.New(),
			credentialexposure.New(),
			piiunauthenticated.New(),
			rawdatastore.New(),
			undoc,
			serverbanner.New(),
			securityheaders.New(),
			debug,
			session,
			jwts,
			cachesensitive.New(),
			piiinurl.New(),
			errs,
			transportsecurity.New(transportsecurity.Options{}),
		},
	}
}

// Active returns the checks that send requests, with default options.
func Active() []check.Check { return New(Options{}).Active }

// Passive returns the checks that read exchanges, with default options.
func Passive() []check.Passive { return New(Options{}).Passive }

// Metas lists the metadata of every check once per id, active then passive
// (the bola check has a read and a write half; some checks are both active
// and passive).
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
