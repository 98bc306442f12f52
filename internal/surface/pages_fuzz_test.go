package surface

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzHarvest harvests hostile pages, scripts and JSON: it never panics,
// every link stays on the origin and is no file-system path.
func FuzzHarvest(f *testing.F) {
	f.Add("text/html", []byte(`<a href="/api/users">u</a><form action="/x" method="post"></form><script src="/a.js"></script>`))
	f.Add("application/javascript", []byte("fetch(\"/api/x\",{method:\"DELETE\"}); axios.get(`/api/u/${id}`); const p={path:\"/admin\"}"))
	f.Add("application/json", []byte(`{"env":{"PATH":"/usr/bin:/bin"},"next":"/api/page/2"}`))
	base, _ := url.Parse("http://api.test/")
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		for _, l := range Harvest(ct, body, base) {
			if !strings.HasPrefix(l.Path, "/") || strings.HasPrefix(l.Path, "//") || IsFileSystemPath(l.Path) {
				t.Fatalf("harvested %q (%s)", l.Path, l.Kind)
			}
		}
	})
}
