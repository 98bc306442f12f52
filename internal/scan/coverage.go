package scan

import (
	"cmp"
	"slices"
	"strings"
	"sync"

	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/transport"
)

// coverage counts, per operation (method and path template), the requests
// sent and those answered (finding.IsAnswer), for the report: a baseline
// calls a finding fixed only where its operation answered again.
type coverage struct {
	mu  sync.Mutex
	ops map[string]*finding.OperationCoverage
}

// record counts ex when it reached a known operation; probes of unknown
// paths (discovery, fuzzed ids) are not operations and could carry
// personal data in their paths.
func (c *coverage) record(ex *transport.Exchange, known bool) {
	path := ex.Template
	if path == "" || !known {
		return
	}
	method := strings.ToUpper(ex.Method)
	path = finding.TemplatePath(path)
	k := method + " " + path
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ops == nil {
		c.ops = map[string]*finding.OperationCoverage{}
	}
	op := c.ops[k]
	if op == nil {
		op = &finding.OperationCoverage{Method: method, Path: path}
		c.ops[k] = op
	}
	op.Requests++
	if ex.Err == "" && finding.IsAnswer(ex.Status) {
		op.Answered++
	}
}

// report returns the coverage sorted by path, then method.
func (c *coverage) report() *finding.Coverage {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := &finding.Coverage{Operations: make([]finding.OperationCoverage, 0, len(c.ops))}
	for _, op := range c.ops {
		out.Operations = append(out.Operations, *op)
	}
	slices.SortFunc(out.Operations, func(a, b finding.OperationCoverage) int {
		return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.Method, b.Method))
	})
	return out
}
