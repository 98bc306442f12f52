package surface

import (
	"strings"
	"testing"
)

// FuzzIDHarvest feeds hostile answers to id harvesting (FuzzHarvest covers
// links): templates filled from harvested ids stay paths.
func FuzzIDHarvest(f *testing.F) {
	f.Add([]byte(`{"users":[{"id":7,"href":"/users/7"},{"id":"a1b2","_links":{"self":{"href":"http://127.0.0.1:5000/orders/9?x=1"}}}]}`), "/users")
	f.Add([]byte(`<html><a href="/admin">x</a><script src="//evil.example/x.js"></script></html>`), "/")
	f.Add([]byte(`{"next":"javascript:alert(1)","prev":"http://evil.example/steal","self":"/a/%zz/../b"}`), "/a")
	f.Add([]byte("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]"), "/deep")
	f.Fuzz(func(t *testing.T, body []byte, path string) {
		k := NewKnowledge()
		k.Observe(path, body)
		k.ObserveLink(path)
		eps := []Endpoint{{Method: "GET", Path: "/users/{id}"}, {Method: "GET", Path: "/orders/{order_id}/items/{item}"}}
		for _, i := range k.Fill(eps) {
			if p, ok := eps[i].Concrete(); ok && !strings.HasPrefix(p, "/") {
				t.Fatalf("filled template gives %q", p)
			}
		}
	})
}
