package finding

// Answers counts how the target answered the requests of a scan, so that a
// verdict can be weighed by the answers it rests on. A request counts once,
// with its last answer (after retries); answers served from the scan's
// cache are not counted again.
type Answers struct {
	// Requests is the number of requests that ended (answered or not).
	Requests int `json:"requests"`
	// Unjudged counts the requests whose answer could not be judged: the
	// sum of the categories below, each request counted once.
	Unjudged    int `json:"unjudged"`
	RateLimited int `json:"rate_limited"` // last answer 429
	Unavailable int `json:"unavailable"`  // last answer 503
	Timeouts    int `json:"timeouts"`     // no answer, or a body cut, within --timeout
	// ConnectionErrors counts requests with no answer at all: refused or
	// reset connections, header blocks over the cap, malformed responses.
	ConnectionErrors int `json:"connection_errors"`
	// Truncated counts bodies cut at --max-body or by a broken stream.
	Truncated int `json:"truncated"`
	// Undecodable counts bodies whose Content-Encoding could not be decoded.
	Undecodable int `json:"undecodable"`
	// Retries counts requests sent again after 429 or 503.
	Retries int `json:"retries"`
	// HeadersCapped counts answers whose headers were cut to the cap
	// (transport.MaxHeaderValues values, transport.MaxHeaderBytes bytes).
	HeadersCapped int `json:"headers_capped"`
}

// MostlyUnjudged reports whether more than half of the requests got no
// answer that could be judged.
func (a Answers) MostlyUnjudged() bool { return a.Requests > 0 && 2*a.Unjudged > a.Requests }

// Memory describes the memory budget of a scan's cached answers and
// recorded exchanges: a quarter of --max-memory.
type Memory struct {
	BudgetBytes int64 `json:"budget_bytes"`
	// PeakBytes is the most the cache and the recorded exchanges held at once.
	PeakBytes int64 `json:"peak_bytes"`
	// EvictedResponses counts cached answers dropped to stay in budget (an
	// identical request is then sent again); EvictedExchanges counts
	// recorded exchanges whose headers and body excerpts were dropped.
	EvictedResponses int `json:"evicted_responses"`
	EvictedExchanges int `json:"evicted_exchanges"`
}
