package scan

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/surface/discover"
	"github.com/leakhound/leakhound/internal/transport"
)

// Inventory is the mapped surface of a target, without any check run.
type Inventory struct {
	Target    string             `json:"target"`
	Endpoints []surface.Endpoint `json:"endpoints"`
	// SpecURL is where discovery found the API description, if it did.
	SpecURL string `json:"spec_url,omitempty"`
	// CatchAll lists the prefixes that answer every path alike (soft 404).
	CatchAll []string `json:"catch_all,omitempty"`
	// DiscoveryRequests counts the requests spent finding the spec and
	// probing paths; RequestsSent counts every request.
	DiscoveryRequests  int  `json:"discovery_requests"`
	DiscoveryTruncated bool `json:"discovery_truncated,omitempty"`
	RequestsSent       int  `json:"requests_sent"`
	// Prefixes are the API prefixes discovery found live.
	Prefixes []string `json:"prefixes,omitempty"`
	// AuthHeaders are custom credential headers the API names in
	// Access-Control-Allow-Headers (X-Api-Token): send the identities'
	// credentials in them.
	AuthHeaders []string `json:"auth_headers,omitempty"`
	// SpecProblems name each documentation page or description found but
	// not read: the URL tried and what came back.
	SpecProblems []string `json:"spec_problems,omitempty"`
	// DiscoveryStages counts discovery's requests by stage.
	DiscoveryStages map[string]int `json:"discovery_stages,omitempty"`
	// Skipped lists the operations the safety policy or the scope kept
	// from being sent; RequestsRefused counts the refused requests.
	Skipped         []finding.SkippedOperation `json:"skipped_operations,omitempty"`
	RequestsRefused int                        `json:"requests_refused,omitempty"`
}

// Map runs the mapping phases of a scan (discovery, then the baseline that
// fetches every concrete GET endpoint as every identity and harvests links
// and ids) and returns the inventory. Checks in o are not run.
func Map(ctx context.Context, o Options) (*Inventory, error) {
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg := o.Client
	cfg.Endpoints = append(append([]surface.Endpoint(nil), cfg.Endpoints...), o.Endpoints...)
	if cfg.MaskURL == nil {
		cfg.MaskURL = maskLocation
	}
	client, err := transport.New(cfg)
	if err != nil {
		return nil, err
	}
	e := &env{client: client, identities: append([]transport.Identity{transport.Anonymous()}, o.Identities...)}
	err = mapSurface(ctx, e, o, log)
	inv := &Inventory{Target: o.Client.Target.String(), Endpoints: e.Endpoints(), RequestsSent: client.Sent(),
		Skipped: maskSkipped(client.Skipped()), RequestsRefused: client.Refused()}
	if d := e.discovered; d != nil {
		inv.SpecURL, inv.CatchAll, inv.DiscoveryRequests, inv.DiscoveryTruncated = d.SpecURL, d.CatchAll, d.Used(), d.Truncated
		inv.Prefixes, inv.AuthHeaders, inv.SpecProblems, inv.DiscoveryStages = d.Prefixes, d.AuthHeaders, d.SpecProblems, d.Stages
		if d.Spec != nil {
			inv.SpecProblems = nil
		}
	}
	return inv, err
}

// mapSurface sets e.endpoints from the known endpoints, discovery and the
// baseline.
func mapSurface(ctx context.Context, e *env, o Options, log *slog.Logger) error {
	e.endpoints = baseEndpoints(o.Client.Target, o.Endpoints)
	e.harvestDepth = o.HarvestDepth
	if e.harvestDepth <= 0 {
		e.harvestDepth = DefaultHarvestDepth
	}
	if o.Discovery != nil {
		if err := discoverSurface(ctx, e, *o.Discovery, log); err != nil {
			return err
		}
	}
	return baseline(ctx, e, log)
}

// discoverSurface adds what discovery finds: the endpoints of an API
// description found on the target, and the probed paths that answered.
func discoverSurface(ctx context.Context, e *env, o discover.Options, log *slog.Logger) error {
	if o.Logger == nil {
		o.Logger = log
	}
	if o.Base == "" {
		o.Base = e.client.Target().EscapedPath()
	}
	o.MaxRequests = DiscoveryBudget(o.MaxRequests, e.client.MaxRequests())
	res, err := discover.Run(ctx, e.client, e.Endpoints(), o)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return err
	}
	if res == nil {
		return nil
	}
	e.mu.Lock()
	e.discovered = res
	e.mu.Unlock()
	log.Info("discovery done", "requests", res.Requests, "spec", res.SpecURL, "probed_endpoints", len(res.Endpoints), "truncated", res.Truncated, "prefixes", strings.Join(res.Prefixes, " "), "stages", fmt.Sprint(res.Stages))
	e.mu.Lock()
	defer e.mu.Unlock()
	seen := map[string]bool{}
	for _, ep := range e.endpoints {
		seen[ep.Key()] = true
	}
	var add []surface.Endpoint
	if res.Spec != nil {
		add = append(add, res.Spec.Endpoints...)
	}
	add = append(add, res.Endpoints...)
	e.client.Learn(add)
	for _, ep := range add {
		if seen[ep.Key()] {
			continue
		}
		if ep.Source != surface.SourceSpec && ep.Method == http.MethodGet && matchesKnown(e.endpoints, ep.Path) {
			continue
		}
		seen[ep.Key()] = true
		e.endpoints = append(e.endpoints, ep)
	}
	return nil
}

// matchesKnown reports whether a concrete GET path is an instance of a
// known GET template (so a harvested /users/7 does not duplicate
// /users/{id}).
func matchesKnown(eps []surface.Endpoint, path string) bool {
	for _, ep := range eps {
		if ep.Method == http.MethodGet && ep.IsTemplate() && ep.Matches(path) {
			return true
		}
	}
	return false
}

// DiscoveryShare is the largest share of the scan's request budget that
// discovery may spend, so that a small --max-requests still leaves most of
// the budget to the baseline and the checks.
const DiscoveryShare = 0.25

// DiscoveryBudget bounds discovery's own budget (discover.DefaultMaxRequests
// when 0) by DiscoveryShare of the scan's, and to at least one request.
func DiscoveryBudget(own, scan int) int {
	if own <= 0 {
		own = discover.DefaultMaxRequests
	}
	if scan > 0 {
		own = min(own, max(1, int(float64(scan)*DiscoveryShare)))
	}
	return own
}
