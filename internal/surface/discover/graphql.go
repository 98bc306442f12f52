package discover

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/transport"
)

// GraphQLPaths are the conventional locations of a GraphQL endpoint.
var GraphQLPaths = []string{"/graphql", "/graphiql", "/api/graphql", "/v1/graphql", "/query"}

// graphQLProbe is the smallest valid query: every GraphQL server answers
// it with {"data":{"__typename":"Query"}} (or a GraphQL error envelope).
const graphQLProbe = `{__typename}`

// GraphQL finds GraphQL endpoints among the given paths (GraphQLPaths, and
// links whose path names graphql): at each, it sends
// POST {"query":"{__typename}"} and, when that is not answered like
// GraphQL, GET ?query={__typename}. A GraphQL-shaped answer (a data or
// errors envelope, surface.ParseGraphQLAnswer) proves the endpoint, even
// with a 400: a bare GET answering "Must provide query string." is not
// absence. It sends at most two requests per path, within maxRequests,
// and returns the endpoints found as POST operations (Source probe) and
// the requests it sent.
func GraphQL(ctx context.Context, f Fetcher, candidates []string, maxRequests int) ([]surface.Endpoint, int) {
	ctx = transport.WithCheck(ctx, "discovery")
	seen := map[string]bool{}
	var paths []string
	for _, p := range candidates {
		if u, err := url.Parse(p); err == nil {
			p = u.Path
		}
		p = "/" + strings.Trim(p, "/")
		if !seen[p] {
			seen[p] = true
			paths = append(paths, p)
		}
	}
	used := 0
	var out []surface.Endpoint
	for _, p := range paths {
		if used >= maxRequests || ctx.Err() != nil {
			break
		}
		used++
		body := []byte(`{"query":"` + graphQLProbe + `"}`)
		resp, err := f.Do(ctx, transport.Request{Method: http.MethodPost, Path: p, Body: body, Header: http.Header{"Content-Type": {"application/json"}}}, transport.Anonymous())
		if errors.Is(err, transport.ErrRefused) {
			continue
		}
		ok := err == nil && answersGraphQL(resp)
		if !ok && used < maxRequests {
			used++
			resp, err = f.Do(ctx, transport.Request{Method: http.MethodGet, Path: p + "?query=" + url.QueryEscape(graphQLProbe)}, transport.Anonymous())
			ok = err == nil && answersGraphQL(resp)
		}
		if !ok {
			continue
		}
		out = append(out, surface.Endpoint{Method: http.MethodPost, Path: p, Source: surface.SourceProbe, Status: resp.Status,
			Body: &surface.Body{ContentType: "application/json", Example: body}})
	}
	return out, used
}

// answersGraphQL reports whether an answer is a GraphQL envelope that the
// probe query produced: data with __typename, or GraphQL errors.
func answersGraphQL(resp *transport.Response) bool {
	if resp == nil || resp.Status >= 500 || resp.Status == http.StatusNotFound {
		return false
	}
	a, ok := surface.ParseGraphQLAnswer(resp.Body)
	if !ok {
		return false
	}
	return strings.Contains(string(a.Data), "__typename") || len(a.Errors) > 0
}

// IsGraphQLPath reports whether a discovered link looks like a GraphQL
// endpoint (its path names graphql or graphiql).
func IsGraphQLPath(p string) bool {
	return strings.Contains(strings.ToLower(p), "graphql") || strings.Contains(strings.ToLower(p), "graphiql")
}
