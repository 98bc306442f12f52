package surface

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// ValueSource says where a parameter value came from. Sources are tried in
// this order of trust: what an identity received in its own answers and
// its own subject, then recordings, then the specification's hints, then
// values made up from the schema.
type ValueSource string

// Value sources.
const (
	// FromAnswer is a value an identity received in its own answers, under
	// any key (an id, a title, a slug, a username, an email).
	FromAnswer ValueSource = "answer"
	// FromSubject is the identity's own subject: a who-am-I or login
	// answer, or the sub, email or username claim of its JWT.
	FromSubject ValueSource = "subject"
	// FromRecording is a value sent in a HAR or Postman recording, or
	// received in a recorded response.
	FromRecording ValueSource = "recording"
	// FromSpec is a specification's example, default or enum member: a
	// hint, replaced by learnt values when it answers 404.
	FromSpec ValueSource = "spec"
	// FromSchema is a valid value made up from the schema (type, format,
	// range, pattern): the last resort.
	FromSchema ValueSource = "schema"
)

// Candidate is one value to try for a parameter, with its provenance.
type Candidate struct {
	Value  string      `json:"value"`
	Source ValueSource `json:"source"`
	// Identity is the identity whose answer or subject gave the value
	// ("" for recordings, specifications and schemas).
	Identity string `json:"identity,omitempty"`
	// Key is the answer key the value was found under (note_title, $.id).
	Key string `json:"key,omitempty"`
}

// Request is a request synthesized for an operation: the path with its
// query, the headers and cookies of the operation's parameters, and the
// body in the operation's content type. Credentials never come from here:
// they come from the identity the request is sent as.
type Request struct {
	Method      string
	Path        string
	Header      http.Header
	Body        []byte
	ContentType string
	// Used maps each parameter key (Param.Key) to the value sent.
	Used map[string]string
}

// Fill chooses a parameter's value: ok is false to fall back on the
// parameter's known values.
type Fill func(p Param) (value string, ok bool)

// Build synthesizes a valid request for the operation: every path
// placeholder and required parameter gets a value (fill first, then the
// parameter's known values, then a schema-valid value), and the body is
// the recorded or documented example with each body parameter substituted
// field by field, required members added when the example lacks them. ok
// is false when a path placeholder has no value at all.
func (e Endpoint) Build(fill Fill) (Request, bool) {
	req := Request{Method: strings.ToUpper(e.Method), Used: map[string]string{}}
	if req.Method == "" {
		req.Method = http.MethodGet
	}
	value := func(p Param) (string, bool) {
		if fill != nil {
			if v, ok := fill(p); ok {
				return v, true
			}
		}
		if len(p.Values) > 0 {
			return p.Values[0], true
		}
		if p.Required && (p.Role != RoleCredential || p.In == InBody || p.In == InForm) {
			return Synthesize(p.Name, p.Schema), true
		}
		return "", false
	}
	over := map[string]string{}
	var h http.Header
	var cookies []string
	var bodyParams, formParams []Param
	for _, p := range e.Params {
		switch p.In {
		case InPath, InQuery:
			if v, ok := value(p); ok {
				over[p.Name] = v
				req.Used[p.Key()] = v
			}
		case InHeader, InCookie:
			if p.carriesCredential() {
				continue
			}
			v, ok := value(p)
			if !ok || strings.ContainsAny(v, "\r\n;") {
				continue
			}
			req.Used[p.Key()] = v
			if p.In == InCookie {
				cookies = append(cookies, p.Name+"="+v)
				continue
			}
			if h == nil {
				h = http.Header{}
			}
			h.Set(p.Name, v)
		case InBody:
			bodyParams = append(bodyParams, p)
		case InForm:
			formParams = append(formParams, p)
		}
	}
	for _, name := range PathParams(e.Path) {
		if _, declared := e.Param(InPath, name); declared || fill == nil {
			continue
		}
		p := Param{Name: name, In: InPath, Required: true, Role: RoleOf(name, InPath, nil)}
		if v, ok := fill(p); ok {
			over[name] = v
			req.Used[p.Key()] = v
		}
	}
	path, ok := e.With(over)
	req.Path = path
	if len(cookies) > 0 {
		if h == nil {
			h = http.Header{}
		}
		h.Set("Cookie", strings.Join(cookies, "; "))
	}
	req.Header = h
	switch {
	case e.Body != nil && e.Body.IsForm() || len(formParams) > 0 && e.Body == nil:
		form := url.Values{}
		if e.Body != nil && e.Body.Recorded {
			form, _ = url.ParseQuery(string(e.Body.Example))
		}
		for _, p := range formParams {
			if v, ok := value(p); ok {
				form.Set(p.Name, v)
				req.Used[p.Key()] = v
			}
		}
		req.Body = []byte(form.Encode())
		req.ContentType = "application/x-www-form-urlencoded"
	case e.Body != nil || len(bodyParams) > 0:
		var doc any
		if e.Body != nil && len(e.Body.Example) > 0 {
			_ = json.Unmarshal(e.Body.Example, &doc)
		}
		if doc == nil {
			doc = map[string]any{}
		}
		for _, p := range bodyParams {
			v, ok := "", false
			if fill != nil {
				v, ok = fill(p)
			}
			_, present := GetPointer(doc, p.Pointer)
			learnt := len(p.Values) > 0 && p.From != FromSpec && p.From != FromRecording && p.From != ""
			if !ok && present && !learnt {
				continue // the example already holds a value
			}
			if !ok {
				if !p.Required {
					continue
				}
				v, ok = value(p)
			}
			if ok {
				doc = SetPointer(doc, p.Pointer, Typed(v, p))
				req.Used[p.Key()] = v
			}
		}
		req.Body, _ = json.Marshal(doc)
		req.ContentType = "application/json"
		if e.Body != nil && e.Body.ContentType != "" {
			req.ContentType = e.Body.ContentType
		}
	}
	return req, ok
}

// Typed turns a value into the JSON type its parameter documents: "2"
// becomes 2 for an integer, "true" becomes true for a boolean. Values that
// do not parse stay strings (a type-confusion probe sends them on purpose).
func Typed(v string, p Param) any {
	switch p.Type {
	case "integer":
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return n
		}
	case "number":
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return f
		}
	case "boolean":
		if b, err := strconv.ParseBool(v); err == nil {
			return b
		}
	}
	return v
}

// pointerTokens splits a JSON pointer (RFC 6901) into unescaped tokens.
func pointerTokens(ptr string) []string {
	if ptr == "" || ptr == "/" {
		return nil
	}
	toks := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	for i, t := range toks {
		toks[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
	}
	return toks
}

// PointerEscape escapes a member name for a JSON pointer (RFC 6901).
func PointerEscape(name string) string {
	return strings.ReplaceAll(strings.ReplaceAll(name, "~", "~0"), "/", "~1")
}

// GetPointer returns the member of a decoded JSON document at ptr.
func GetPointer(doc any, ptr string) (any, bool) {
	cur := doc
	for _, t := range pointerTokens(ptr) {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[t]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(t)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// SetPointer sets the member at ptr in a decoded JSON document, creating
// the objects and arrays on the way, and returns the document (a new root
// when doc was not a container).
func SetPointer(doc any, ptr string, v any) any {
	toks := pointerTokens(ptr)
	if len(toks) == 0 {
		return v
	}
	var set func(cur any, toks []string) any
	set = func(cur any, toks []string) any {
		if len(toks) == 0 {
			return v
		}
		t := toks[0]
		if i, err := strconv.Atoi(t); err == nil && i >= 0 && i < 64 {
			arr, _ := cur.([]any)
			for len(arr) <= i {
				arr = append(arr, nil)
			}
			arr[i] = set(arr[i], toks[1:])
			return arr
		}
		obj, ok := cur.(map[string]any)
		if !ok {
			obj = map[string]any{}
		}
		obj[t] = set(obj[t], toks[1:])
		return obj
	}
	return set(doc, toks)
}

// maxBodyParams bounds the parameters taken from one request body.
const maxBodyParams = 64

// BodyParams lists the members of a JSON request body schema as body
// parameters, addressed by JSON pointer (arrays by their first element:
// /items/0/id), nested objects to a depth of 4. A member is required when
// it and every object above it are required.
func BodyParams(s *Schema) []Param {
	var out []Param
	visited := map[*Schema]int{}
	var walk func(s *Schema, ptr string, required bool, depth int)
	walk = func(s *Schema, ptr string, required bool, depth int) {
		if s == nil || depth > 4 || len(out) >= maxBodyParams || visited[s] > 1 {
			return
		}
		visited[s]++
		defer func() { visited[s]-- }()
		declared, _, _ := s.objectView(depth)
		req := map[string]bool{}
		var reqs func(s *Schema, d int)
		reqs = func(s *Schema, d int) {
			if s == nil || d > maxDepth {
				return
			}
			for _, r := range s.Required {
				req[r] = true
			}
			for _, c := range s.AllOf {
				reqs(c, d+1)
			}
		}
		reqs(s, 0)
		names := make([]string, 0, len(declared))
		for k := range declared {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			c := declared[k]
			if c != nil && c.ReadOnly {
				continue
			}
			p := ptr + "/" + PointerEscape(k)
			switch {
			case c != nil && (c.Is("object") || len(c.Properties) > 0):
				walk(c, p, required && req[k], depth+1)
			case c != nil && c.Is("array") && c.Items != nil && (c.Items.Is("object") || len(c.Items.Properties) > 0):
				walk(c.Items, p+"/0", required && req[k], depth+1)
			default:
				out = append(out, schemaParam(k, InBody, p, required && req[k], c))
			}
			if len(out) >= maxBodyParams {
				return
			}
		}
	}
	walk(s, "", true, 0)
	return out
}

// schemaParam builds a parameter from its schema, with its role.
func schemaParam(name, in, ptr string, required bool, s *Schema) Param {
	p := Param{Name: name, In: in, Pointer: ptr, Required: required, Schema: s}
	if s != nil {
		p.Format = s.Format
		for _, t := range s.Types {
			if t != "null" {
				p.Type = t
				break
			}
		}
		if p.Type == "array" && s.Items != nil {
			p.Type = "array"
		}
		for _, v := range s.Enum {
			if x := Scalar(v); x != "" {
				p.Enum = append(p.Enum, x)
			}
		}
		p.Example = Scalar(s.Example)
	}
	p.Role = RoleOf(name, in, s)
	return p
}

// RecordedParams lists the members of a recorded JSON body (HAR, Postman)
// as body parameters with the recorded values: scalars by JSON pointer,
// arrays by their first element, to a depth of 4.
func RecordedParams(body []byte) []Param {
	var doc any
	if json.Unmarshal(body, &doc) != nil {
		return nil
	}
	var out []Param
	var walk func(v any, ptr, name string, depth int)
	walk = func(v any, ptr, name string, depth int) {
		if depth > 4 || len(out) >= maxBodyParams {
			return
		}
		switch t := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(t))
			for k := range t {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				walk(t[k], ptr+"/"+PointerEscape(k), k, depth+1)
			}
		case []any:
			if len(t) > 0 {
				walk(t[0], ptr+"/0", name, depth+1)
			}
		default:
			if name == "" {
				return
			}
			typ := "string"
			switch t.(type) {
			case float64:
				typ = "number"
				if f := t.(float64); f == float64(int64(f)) {
					typ = "integer"
				}
			case bool:
				typ = "boolean"
			case nil:
				typ = ""
			}
			p := Param{Name: name, In: InBody, Pointer: ptr, Type: typ, From: FromRecording}
			if x := Scalar(t); x != "" {
				p.Values = []string{x}
			}
			p.Role = RoleOf(name, InBody, &Schema{Types: []string{typ}})
			out = append(out, p)
		}
	}
	walk(doc, "", "", 0)
	return out
}

// FormParams lists the fields of a recorded form body as form parameters.
func FormParams(body []byte) []Param {
	q, err := url.ParseQuery(string(body))
	if err != nil {
		return nil
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []Param
	for _, k := range keys {
		out = append(out, Param{Name: k, In: InForm, Values: []string{q.Get(k)}, From: FromRecording, Role: RoleOf(k, InForm, nil)})
	}
	return out
}

// ReferenceParams returns the operation's owner and object references, in
// every location.
func (e Endpoint) ReferenceParams() []Param {
	var out []Param
	for _, p := range e.Params {
		if p.Role.IsReference() {
			out = append(out, p)
		}
	}
	return out
}

// PrivilegeParams returns the operation's privilege fields.
func (e Endpoint) PrivilegeParams() []Param {
	var out []Param
	for _, p := range e.Params {
		if p.Role == RolePrivilege {
			out = append(out, p)
		}
	}
	return out
}
