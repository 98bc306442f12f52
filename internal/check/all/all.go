// Package all is the one explicit list of leakhound's checks.
package all

import (
	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/authnotenforced"
	"github.com/leakhound/leakhound/internal/check/credentialexposure"
	"github.com/leakhound/leakhound/internal/check/deprecatedlive"
	"github.com/leakhound/leakhound/internal/check/piiexposure"
	"github.com/leakhound/leakhound/internal/check/piiunauthenticated"
	"github.com/leakhound/leakhound/internal/check/rawdatastore"
	"github.com/leakhound/leakhound/internal/check/securityheaders"
	"github.com/leakhound/leakhound/internal/check/serverbanner"
	"github.com/leakhound/leakhound/internal/check/spechygiene"
	"github.com/leakhound/leakhound/internal/check/undocumentedendpoint"
	"github.com/leakhound/leakhound/internal/check/undocumentedfields"
)

// Active returns the checks that send requests, in a stable order.
func Active() []check.Check {
	return []check.Check{
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

// Metas lists the metadata of every check, active then passive.
func Metas() []check.Meta {
	var out []check.Meta
	for _, c := range Active() {
		out = append(out, c.Meta())
	}
	for _, c := range Passive() {
		out = append(out, c.Meta())
	}
	return out
}
