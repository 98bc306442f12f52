package check

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/surface/safety"
	"github.com/leakhound/leakhound/internal/transport"
)

// GraphQL helpers shared by the who-am-I step and the authorization
// checks: the read operations of a GraphQL endpoint, the who-am-I query,
// and sending an operation with its envelope read.

// whoAmIFields are the root fields that return the caller.
var whoAmIFields = map[string]bool{"me": true, "viewer": true, "whoami": true, "currentuser": true, "current_user": true, "self": true, "myself": true, "myprofile": true, "profile": true}

// IsWhoAmI reports whether a GraphQL operation returns the caller (a query
// me or viewer without required arguments).
func IsWhoAmI(ep surface.Endpoint) bool {
	if ep.GraphQL == nil || ep.GraphQL.Kind != surface.GraphQLQuery || ep.GraphQL.Variant != "" {
		return false
	}
	for _, p := range ep.Params {
		if p.Required {
			return false
		}
	}
	return whoAmIFields[strings.ToLower(ep.GraphQL.Field)]
}

// GraphQLOps returns the GraphQL operations the scan may send as reads.
func GraphQLOps(env Env) []surface.Endpoint {
	var out []surface.Endpoint
	for _, ep := range env.Endpoints() {
		if ep.GraphQL == nil || ep.GraphQL.Kind != surface.GraphQLQuery {
			continue
		}
		if v := safety.Classify(ep); v.Class != safety.Read && v.Class != safety.ReadPOST {
			continue
		}
		out = append(out, ep)
	}
	return out
}

// GraphQLRequest builds the request of a GraphQL operation with some
// arguments set (by argument name).
func GraphQLRequest(ep surface.Endpoint, args map[string]string) transport.Request {
	r, _ := ep.Build(func(p surface.Param) (string, bool) {
		v, ok := args[p.Name]
		return v, ok
	})
	return Request(r)
}

// GraphQLData sends a GraphQL request and returns the answer and the value
// of its root field, nil when the answer is a refusal (errors and no data)
// or not GraphQL.
func GraphQLData(ctx context.Context, env Env, ep surface.Endpoint, req transport.Request, as transport.Identity) (*transport.Response, any) {
	resp, err := env.Do(ctx, req, as)
	if err != nil || resp == nil {
		return nil, nil
	}
	a, ok := surface.ParseGraphQLAnswer(resp.Body)
	if !ok || !a.HasData() {
		return resp, nil
	}
	var data map[string]any
	if json.Unmarshal(a.Data, &data) != nil {
		return resp, nil
	}
	return resp, data[ep.GraphQL.Field]
}
