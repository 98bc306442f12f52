package transport

import (
	"container/list"
	"net/http"
)

// DefaultMaxMemory is the default memory budget of a scan (--max-memory):
// a quarter of it for the answers a client caches and the exchanges it
// records.
const DefaultMaxMemory int64 = 256 << 20

// memory keeps the cached answers and the recorded exchanges of a client
// within a budget of bytes. Items are kept in least-recently-used order: a
// cache hit moves its answer to the back; when the budget is exceeded, the
// front is evicted. An evicted answer leaves the cache (an identical
// request is sent again); an evicted exchange keeps its request line and
// status but drops its headers and body excerpts. Every method runs under
// Client.mu.
type memory struct {
	limit int64
	used  int64
	peak  int64
	lru   list.List // of *memItem

	evictedResponses int
	evictedExchanges int
}

// memItem is one cached answer (entry set) or one recorded exchange (index
// into Client.exchanges).
type memItem struct {
	size     int64
	key      string
	entry    *cacheEntry
	exchange int
}

// responseSize estimates the bytes a cached answer holds.
func responseSize(r *Response) int64 {
	if r == nil {
		return 256
	}
	return int64(len(r.Body)+len(r.URL)+len(r.Redirect)) + headerSize(r.Header) + 256
}

// exchangeSize estimates the bytes a recorded exchange holds.
func exchangeSize(ex *Exchange) int64 {
	return int64(len(ex.Body)+len(ex.ReqBody)+len(ex.URL)+len(ex.Err)+len(ex.Template)) +
		headerSize(ex.Header) + headerSize(ex.ReqHeader) + 256
}

// cacheCharge accounts for a cache entry whose answer arrived.
func (c *Client) cacheCharge(key string, e *cacheEntry) {
	if c.cache[key] != e || e.elem != nil {
		return
	}
	it := &memItem{size: responseSize(e.resp), key: key, entry: e}
	e.elem = c.mem.lru.PushBack(it)
	c.mem.add(it.size)
	c.shrink()
}

// cacheTouch marks a cached answer as just used.
func (c *Client) cacheTouch(e *cacheEntry) {
	if e.elem != nil {
		c.mem.lru.MoveToBack(e.elem)
	}
}

// cacheDrop removes a cache entry and its charge; the requests it took
// stay counted for its first asker.
func (c *Client) cacheDrop(key string, e *cacheEntry) {
	if c.cache[key] == e {
		delete(c.cache, key)
	}
	if e.sent > 0 {
		c.perCheck[firstAsker(e)] += e.sent
		e.sent = 0
	}
	if e.elem != nil {
		c.mem.used -= e.elem.Value.(*memItem).size
		c.mem.lru.Remove(e.elem)
		e.elem = nil
	}
}

// exchangeCharge accounts for the recorded exchange at index i.
func (c *Client) exchangeCharge(i int) {
	it := &memItem{size: exchangeSize(&c.exchanges[i]), exchange: i}
	c.mem.lru.PushBack(it)
	c.mem.add(it.size)
	c.shrink()
}

func (m *memory) add(n int64) {
	m.used += n
}

// shrink evicts the least recently used items until the budget holds.
func (c *Client) shrink() {
	for c.mem.used > c.mem.limit && c.mem.lru.Len() > 0 {
		el := c.mem.lru.Front()
		it := el.Value.(*memItem)
		if it.entry != nil {
			c.cacheDrop(it.key, it.entry)
			c.mem.evictedResponses++
			continue
		}
		c.mem.lru.Remove(el)
		c.mem.used -= it.size
		ex := &c.exchanges[it.exchange]
		ex.Header, ex.ReqHeader, ex.Body, ex.ReqBody = http.Header{}, nil, nil, nil
		c.mem.evictedExchanges++
	}
	c.mem.peak = max(c.mem.peak, c.mem.used)
}
