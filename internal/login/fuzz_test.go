package login

import "testing"

// FuzzJSONPath reads the token of a login answer at hostile paths in
// hostile answers.
func FuzzJSONPath(f *testing.F) {
	f.Add([]byte(`{"data":{"tokens":[{"access":"abc"}]}}`), "$.data.tokens[0].access")
	f.Add([]byte(`{"a":1e400}`), "a")
	f.Add([]byte(`[[[[1]]]]`), "[0][0][0][0]")
	f.Add([]byte(`{"a":{"b":null}}`), "a.b[99999999999999999999]")
	f.Fuzz(func(t *testing.T, body []byte, path string) {
		_, _ = JSONPath(body, path)
	})
}
