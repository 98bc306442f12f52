// Package all is the one explicit list of leakhound's checks.
package all

import (
	"github.com/leakhound/leakhound/internal/authz"
	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/authnotenforced"
	"github.com/leakhound/leakhound/internal/check/bfla"
	"github.com/leakhound/leakhound/internal/check/bola"
	"github.com/leakhound/leakhound/internal/check/bolaadjacent"
	"github.com/leakhound/leakhound/internal/check/credentialexposure"
	"github.com/leakhound/leakhound/internal/check/deprecatedlive"
	"github.com/leakhound/leakhound/internal/check/massassign"
	"github.com/leakhound/leakhound/internal/check/missingauth"
	"github.com/leakhound/leakhound/internal/check/piiexposure"
	"github.com/leakhound/leakhound/internal/check/piiunauthenticated"
	"github.com/leakhound/leakhound/internal/check/rawdatastore"
	"github.com/leakhound/leakhound/internal/check/securityheaders"
	"github.com/leakhound/leakhound/internal/check/serverbanner"
	"github.com/leakhound/leakhound/internal/check/spechygiene"
	"github.com/leakhound/leakhound/internal/check/undocumentedendpoint"
	"github.com/leakhound/leakhound/internal/check/undocumentedfields"
	"github.com/leakhound/leakhound/internal/check/userenum"
)

// Active returns the checks that send requests, in a stable order. The
// authorization checks share one learner, so what they learn about the
// identities and their objects is learnt once per scan.
func Active() []check.Check {
	learner := authz.NewLearner()
	return []check.Check{
		bola.New(learner),
		bolaadjacent.New(learner),
		missingauth.New(learner),
		bfla.New(learner),
		userenum.New(learner),
		// Write probes (--allow-write only) run after every read check.
		bola.NewWrite(learner),
		massassign.New(learner),
		authnotenforced.New(),
		undocumentedfields.New(),
		undocumentedendpoint.New(),
		deprecatedlive.New(),
		spechygiene.New(),
	}
}

// Passive returns the checks that read exchanges, in a stable order.
func Passive() []check.Passive {
	return []check.Passive{
		piiexposure.New(),
		credentialexposure.New(),
		piiunauthenticated.New(),
		rawdatastore.New(),
		serverbanner.New(),
		securityheaders.New(),
	}
}

// Metas lists the metadata of every check, active then passive, once per
// id (the bola check has a read and a write half).
func Metas() []check.Meta {
	var out []check.Meta
	seen := map[string]bool{}
	for _, c := range Active() {
		if m := c.Meta(); !seen[m.ID] {
			seen[m.ID] = true
			out = append(out, m)
		}
	}
	for _, c := range Passive() {
		out = append(out, c.Meta())
	}
	return out
}
