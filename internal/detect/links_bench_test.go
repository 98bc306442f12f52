package detect_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

var (
	linksOnce sync.Once
	links     []byte
)

// linksJSON is 8 MiB of records full of URLs (links, avatars, next
// pages): every one is a "://" hit for the connection-string rule.
func linksJSON() []byte {
	linksOnce.Do(func() {
		var b strings.Builder
		b.WriteString(`{"items":[`)
		for i := 0; b.Len() < 8<<20; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"id":%d,"self":"https://api.example.org/v2/items/%d","avatar":"https://cdn.example.org/a/%d.png?size=64","next":"https://api.example.org/v2/items?page=%d&per_page=50","repo":"git://git.example.org/team/repo-%d.git"}`, i, i, i, i+1, i)
		}
		b.WriteString(`]}`)
		links = []byte(b.String())
	})
	return links
}

// BenchmarkScanLinksJSON: answers dense with URLs, the worst case of the
// connection-string rule's "://" keyword.
func BenchmarkScanLinksJSON(b *testing.B) { benchScan(b, linksJSON(), "application/json") }
