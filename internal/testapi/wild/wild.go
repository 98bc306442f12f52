// Package wild holds small, deliberately vulnerable HTTP APIs written the way
// developers of other stacks (Express, Flask, API Gateway + Lambda, single-page
// app back ends, GraphQL servers) tend to write them. Each variant comes in a
// "vulnerable" and a "fixed" mode, together with its ground truth: the
// weaknesses a black-box scanner should find and the traps it must not report
// at high or critical severity.
package wild

import (
	"fmt"
	"net/http"
	"sort"
)

// Mode selects the vulnerable or the remedied build of a variant.
type Mode string

const (
	Vulnerable Mode = "vulnerable"
	Fixed      Mode = "fixed"
)

// Identity is one set of credentials a user of the scanner would supply.
// Header keeps its exact case.
type Identity struct{ Name, Header, Value string }

// Weakness is one planted vulnerability (ground truth).
type Weakness struct {
	Kind, Method, Path, Location, CWE, OWASP, MinSeverity, Note, Needs, Operation string
}

// Trap is an operation that looks alarming but must not be reported at high or
// critical severity.
type Trap struct{ Method, Path, Note string }

// Operation is one operation the API really serves (route template).
type Operation struct{ Method, Path string }

// Target is one instance of a variant, with fresh state.
type Target struct {
	Name       string
	Handler    http.Handler
	Base       string
	Identities []Identity
	Weaknesses []Weakness
	Traps      []Trap
	Operations []Operation
	Spec       []byte
	HAR        []byte
}

type builder func(mode Mode) (*Target, error)

var registry = map[string]builder{}
var order []string

func register(name string, b builder) {
	registry[name] = b
	order = append(order, name)
}

// priority fixes the order Variants reports.
var priority = []string{"rpc", "queryowner", "slugs", "stringids", "specexample", "apiprefix", "swaggerui", "gateway", "spa", "redoc", "graphql"}

// Variants lists the variant names, in priority order.
func Variants() []string {
	var out []string
	seen := map[string]bool{}
	for _, n := range priority {
		if _, ok := registry[n]; ok {
			out = append(out, n)
			seen[n] = true
		}
	}
	var rest []string
	for _, n := range order {
		if !seen[n] {
			rest = append(rest, n)
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}

// New builds a fresh instance of the named variant. Tokens in Identities are
// valid for this instance only.
func New(name string, mode Mode) (*Target, error) {
	if mode != Vulnerable && mode != Fixed {
		return nil, fmt.Errorf("wild: unknown mode %q", mode)
	}
	b, ok := registry[name]
	if !ok {
		return nil, fmt.Errorf("wild: unknown variant %q", name)
	}
	t, err := b(mode)
	if err != nil {
		return nil, err
	}
	if mode == Fixed {
		t.Weaknesses = nil
	}
	return t, nil
}
