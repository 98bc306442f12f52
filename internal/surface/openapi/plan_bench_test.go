package openapi

import (
	"fmt"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/surface/safety"
)

// opsSpec builds a specification of n operations, half of them taking a
// JSON body with nested objects, arrays and required members (a create or
// update of a resource), the other half GETs by id with a query owner
// reference.
func opsSpec(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"openapi":"3.0.3","info":{"title":"t","version":"1"},"components":{"schemas":{`)
	for i := 0; i < 50; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"Res%d":{"type":"object","required":["title","owner"],"properties":{"title":{"type":"string"},"role":{"type":"string","enum":["user","admin"]},"owner":{"type":"object","required":["email"],"properties":{"email":{"type":"string","format":"email"},"user_id":{"type":"string"}}},"items":{"type":"array","items":{"type":"object","properties":{"sku_id":{"type":"integer"},"qty":{"type":"integer"}}}},"note":{"type":"string"}}}`, i)
	}
	b.WriteString(`}},"paths":{`)
	for i := 0; i < n/2; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"/r%d/{id}":{"get":{"operationId":"get%d","parameters":[{"name":"id","in":"path","required":true,"schema":{"type":"string"}},{"name":"user_id","in":"query","required":true,"schema":{"type":"string"}}],"responses":{"200":{"description":"ok"}}},`, i, i)
		fmt.Fprintf(&b, `"put":{"operationId":"update%d","parameters":[{"name":"id","in":"path","required":true,"schema":{"type":"string"}}],"requestBody":{"required":true,"content":{"application/json":{"schema":{"$ref":"#/components/schemas/Res%d"}}}},"responses":{"200":{"description":"ok"}}}}`, i, i%50)
	}
	b.WriteString(`}}`)
	return []byte(b.String())
}

// plan loads a specification and plans every operation: its parameters in
// every location with their roles, its safety class, and one synthesized
// request with a schema-valid body.
func plan(tb testing.TB, spec []byte) int {
	doc, err := Parse(spec)
	if err != nil {
		tb.Fatal(err)
	}
	n := 0
	for _, ep := range doc.Endpoints {
		_ = safety.Classify(ep)
		if _, ok := ep.Build(nil); ok {
			n++
		}
	}
	return n
}

// BenchmarkPlanOperations plans specifications of 500 to 4,000 operations
// with request bodies; ns/operation stays flat when planning grows
// linearly.
func BenchmarkPlanOperations(b *testing.B) {
	for _, n := range []int{500, 1000, 2000, 4000} {
		spec := opsSpec(n)
		b.Run(fmt.Sprintf("operations=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if got := plan(b, spec); got != n {
					b.Fatalf("planned %d of %d operations", got, n)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/operation")
		})
	}
}
