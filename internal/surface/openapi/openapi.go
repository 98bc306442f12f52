// Package openapi loads OpenAPI 3.0 and 3.1 and Swagger 2.0 documents, JSON
// or YAML, from a file or from the target, into surface endpoints. $refs are
// resolved recursively, to the same document, to local files next to a spec
// file, or to the target's origin for a spec fetched from the target;
// circular references are kept as cyclic schemas.
package openapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	yaml "go.yaml.in/yaml/v4"

	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/transport"
)

// MaxSize bounds a document (and each file it refers to).
const MaxSize = 64 << 20

// Document is what a spec says about the API.
type Document struct {
	// Version is the openapi or swagger field: "3.1.0", "2.0".
	Version string `json:"version"`
	Title   string `json:"title,omitempty"`
	// Location is where the document was read from.
	Location string `json:"location,omitempty"`
	// BasePath is the path prefix taken from servers or basePath ("" for /).
	BasePath string `json:"base_path,omitempty"`
	// SecuritySchemes lists the names of the declared security schemes.
	SecuritySchemes []string           `json:"security_schemes,omitempty"`
	Endpoints       []surface.Endpoint `json:"endpoints"`
}

// Fetcher sends requests to the target; *transport.Client is one.
type Fetcher interface {
	Do(ctx context.Context, req transport.Request, as transport.Identity) (*transport.Response, error)
}

// LoadFile reads a spec file; $refs may point to files next to it.
func LoadFile(path string) (*Document, error) {
	data, err := readLocal(path)
	if err != nil {
		return nil, fmt.Errorf("read spec %q: %w", path, err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	if kind := surface.Sniff("", data); kind == "html" || kind == "script" {
		h := ReadHost(data)
		if h.Inline == nil {
			return nil, fmt.Errorf("load spec %q: %w", path, malformed("%s, not an API description", h.describe()))
		}
		data = h.Inline
	}
	doc, err := parse(data, &url.URL{Path: filepath.ToSlash(abs)}, readLocalURI)
	if err != nil {
		return nil, fmt.Errorf("load spec %q: %w", path, err)
	}
	doc.Location = path
	return doc, nil
}

// Parse reads a spec held in memory; $refs to other documents are refused.
func Parse(data []byte) (*Document, error) {
	return parse(data, nil, func(*openapi3.Loader, *url.URL) ([]byte, error) {
		return nil, errors.New("external $ref not allowed for an in-memory document")
	})
}

// LoadURL fetches a spec from the target through f (which keeps every
// request, including those for $refs, on the target's origin) as the
// anonymous identity. A documentation page or script (swagger-ui, Redoc)
// is read for the description it embeds or names, which is then fetched in
// turn (two steps at most). An error names each URL tried and what came
// back.
func LoadURL(ctx context.Context, f Fetcher, u string) (*Document, error) {
	var tried []string
	doc, err := loadURL(ctx, f, u, 0, &tried)
	if err != nil && len(tried) > 1 {
		err = fmt.Errorf("%w (tried %s)", err, strings.Join(tried, "; "))
	}
	return doc, err
}

// maxHostSteps bounds how many pages and scripts LoadURL follows from a
// documentation page to its description.
const maxHostSteps = 2

func loadURL(ctx context.Context, f Fetcher, u string, depth int, tried *[]string) (*Document, error) {
	final := u // the URL after same-origin redirects
	get := func(loc string) ([]byte, string, error) {
		resp, err := f.Do(ctx, transport.Request{Path: loc, Header: Accept.Clone()}, transport.Anonymous())
		if err != nil {
			return nil, "", err
		}
		if loc == u && resp.URL != "" {
			final = resp.URL
		}
		if resp.Status != http.StatusOK {
			ct := resp.ContentType()
			if ct == "" {
				ct = "no content type"
			}
			return nil, "", fmt.Errorf("%w: GET %s answered %d (%s)", surface.ErrUnavailable, loc, resp.Status, ct)
		}
		if resp.Truncated {
			return nil, "", fmt.Errorf("%w: GET %s: document larger than the body limit", surface.ErrUnavailable, loc)
		}
		return resp.Body, resp.ContentType(), nil
	}
	data, ct, err := get(u)
	if err != nil {
		*tried = append(*tried, err.Error())
		return nil, fmt.Errorf("fetch spec %s: %w", u, err)
	}
	loc, err := url.Parse(final)
	if err != nil {
		return nil, fmt.Errorf("spec URL %q: %w", u, err)
	}
	if kind := surface.Sniff(ct, data); kind == "html" || kind == "script" {
		h := ReadHost(data)
		if h.Inline != nil {
			doc, err := parse(h.Inline, loc, refsRefused)
			if err != nil {
				*tried = append(*tried, fmt.Sprintf("GET %s answered 200 %s with an inline description that cannot be read", u, ct))
				return nil, fmt.Errorf("load spec embedded in %s: %w", u, err)
			}
			doc.Location = u
			return doc, nil
		}
		*tried = append(*tried, fmt.Sprintf("GET %s answered 200 %s: %s", u, orNone(ct), h.describe()))
		if depth < maxHostSteps {
			for _, next := range append(append([]string(nil), h.Links...), h.Scripts...) {
				ref, err := url.Parse(next)
				if err != nil {
					continue
				}
				abs := loc.ResolveReference(ref)
				next := abs.String()
				if abs.Host == loc.Host && abs.Scheme == loc.Scheme {
					next = abs.RequestURI() // the same origin: keep the path form
				}
				doc, err := loadURL(ctx, f, next, depth+1, tried)
				if err == nil {
					return doc, nil
				}
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
			}
		}
		return nil, malformed("GET %s answered 200 %s: %s, not an API description", u, orNone(ct), h.describe())
	}
	doc, err := parse(data, loc, func(_ *openapi3.Loader, ref *url.URL) ([]byte, error) {
		if ref.Scheme != "" && ref.Scheme != "http" && ref.Scheme != "https" {
			return nil, fmt.Errorf("$ref %s: only the target's origin may be read", ref.Redacted())
		}
		b, _, err := get(loc.ResolveReference(ref).String())
		return b, err
	})
	if err != nil {
		*tried = append(*tried, fmt.Sprintf("GET %s answered 200 %s that is not a readable description", u, orNone(ct)))
		return nil, fmt.Errorf("load spec %s: %w", u, err)
	}
	doc.Location = u
	return doc, nil
}

func orNone(ct string) string {
	if ct == "" {
		return "without a content type"
	}
	return ct
}

func refsRefused(*openapi3.Loader, *url.URL) ([]byte, error) {
	return nil, errors.New("external $ref not allowed for an embedded document")
}

func readLocal(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("larger than %d MiB", MaxSize>>20)
	}
	return data, nil
}

// readLocalURI reads the local files $refs of a spec file point to; it
// refuses network locations, so a spec file cannot make the scanner fetch
// from anywhere.
func readLocalURI(_ *openapi3.Loader, u *url.URL) ([]byte, error) {
	if u.Host != "" || (u.Scheme != "" && u.Scheme != "file") {
		return nil, fmt.Errorf("$ref %s: a spec file may only refer to local files", u.Redacted())
	}
	return readLocal(filepath.FromSlash(u.Path))
}

type header struct {
	OpenAPI string `json:"openapi" yaml:"openapi"`
	Swagger string `json:"swagger" yaml:"swagger"`
}

func malformed(format string, a ...any) error {
	return fmt.Errorf("%w: %s", surface.ErrMalformed, fmt.Sprintf(format, a...))
}

func parse(data []byte, location *url.URL, read openapi3.ReadFromURIFunc) (doc *Document, err error) {
	defer func() {
		// The library is well fuzzed, but a spec is untrusted input: a
		// panic is reported as a malformed document, never a crash.
		if r := recover(); r != nil {
			doc, err = nil, malformed("parser failed: %v", r)
		}
	}()
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, malformed("empty document")
	}
	if kind := surface.Sniff("", data); kind == "html" || kind == "script" {
		// Never parsed as YAML: a page's text would read as a string.
		return nil, malformed("%s, not an API description", ReadHost(data).describe())
	}
	isJSON := bytes.HasPrefix(bytes.TrimSpace(data), []byte("{"))
	var h header
	if isJSON {
		err = json.Unmarshal(data, &h)
	} else {
		err = yaml.Unmarshal(data, &h)
	}
	if err != nil {
		return nil, malformed("not JSON or YAML: %v", err)
	}
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = true
	loader.ReadFromURIFunc = read
	var d3 *openapi3.T
	switch {
	case strings.HasPrefix(strings.TrimSpace(h.Swagger), "2."):
		if !isJSON {
			if data, err = yamlToJSON(data); err != nil {
				return nil, malformed("swagger YAML: %v", err)
			}
		}
		var d2 openapi2.T
		if err := json.Unmarshal(data, &d2); err != nil {
			return nil, malformed("swagger 2.0: %v", err)
		}
		d3, err = openapi2conv.ToV3WithLoader(&d2, loader, location)
		if err != nil {
			return nil, malformed("swagger 2.0: %v", err)
		}
		d3.OpenAPI = h.Swagger
	case strings.HasPrefix(strings.TrimSpace(h.OpenAPI), "3."):
		d3, err = load3(loader, data, isJSON, location)
		if err != nil {
			return nil, malformed("openapi %s: %v", h.OpenAPI, err)
		}
	case h.OpenAPI != "" || h.Swagger != "":
		return nil, malformed("unsupported version %q", h.OpenAPI+h.Swagger)
	default:
		return nil, malformed("no openapi or swagger version field: not an OpenAPI or Swagger document")
	}
	if d3.Paths == nil && len(d3.Webhooks) == 0 {
		return nil, malformed("no paths")
	}
	return convert(d3)
}

// load3 reads an OpenAPI 3 document. A JSON document's paths are decoded in
// parallel chunks (the library decodes each chunk in one pass over its YAML
// node tree), so a 10,000-operation spec loads within budget; its $refs are
// then resolved by the library as usual.
func load3(loader *openapi3.Loader, data []byte, isJSON bool, location *url.URL) (*openapi3.T, error) {
	if !isJSON {
		if location != nil {
			return loader.LoadFromDataWithPath(data, location)
		}
		return loader.LoadFromData(data)
	}
	d, err := decodeJSON(data)
	if err != nil {
		return nil, err
	}
	if err := loader.ResolveRefsIn(d, location); err != nil {
		return nil, err
	}
	return d, nil
}

func decodePaths(data []byte, p *openapi3.Paths) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("parser failed: %v", r)
		}
	}()
	return yaml.Unmarshal(data, p)
}

func decodeJSON(data []byte) (*openapi3.T, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, err
	}
	rawPaths := top["paths"]
	delete(top, "paths")
	rest, err := json.Marshal(top)
	if err != nil {
		return nil, err
	}
	d := &openapi3.T{}
	if err := json.Unmarshal(rest, d); err != nil {
		return nil, err
	}
	if len(rawPaths) == 0 || string(rawPaths) == "null" {
		return d, nil
	}
	var items map[string]json.RawMessage
	if err := json.Unmarshal(rawPaths, &items); err != nil {
		return nil, fmt.Errorf("paths: %w", err)
	}
	keys := make([]string, 0, len(items))
	for k := range items {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	// Small chunks: the YAML scanner slows down more than linearly on one
	// long flow-style (JSON) line.
	const chunkSize = 16
	nchunks := (len(keys) + chunkSize - 1) / chunkSize
	chunks := make([]openapi3.Paths, nchunks)
	errs := make([]error, nchunks)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(nchunks, max(1, runtime.GOMAXPROCS(0))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var b bytes.Buffer
			for c := range next {
				b.Reset()
				b.WriteByte('{')
				for i, k := range keys[c*chunkSize : min(len(keys), (c+1)*chunkSize)] {
					if i > 0 {
						b.WriteByte(',')
					}
					kb, _ := json.Marshal(k)
					b.Write(kb)
					b.WriteByte(':')
					b.Write(items[k])
				}
				b.WriteByte('}')
				errs[c] = decodePaths(b.Bytes(), &chunks[c])
			}
		}()
	}
	for c := range nchunks {
		next <- c
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("paths: %w", err)
	}
	d.Paths = openapi3.NewPathsWithCapacity(len(keys))
	for i := range chunks {
		for k, v := range chunks[i].Map() {
			d.Paths.Set(k, v)
		}
		for k, v := range chunks[i].Extensions {
			if d.Paths.Extensions == nil {
				d.Paths.Extensions = map[string]any{}
			}
			d.Paths.Extensions[k] = v
		}
	}
	return d, nil
}

// yamlToJSON re-encodes YAML as JSON, turning non-string keys (such as
// unquoted status codes) into strings.
func yamlToJSON(data []byte) ([]byte, error) {
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	var fix func(v any, depth int) (any, error)
	fix = func(v any, depth int) (any, error) {
		if depth > 512 {
			return nil, errors.New("nesting too deep")
		}
		switch t := v.(type) {
		case map[string]any:
			for k, c := range t {
				f, err := fix(c, depth+1)
				if err != nil {
					return nil, err
				}
				t[k] = f
			}
			return t, nil
		case map[any]any:
			m := make(map[string]any, len(t))
			for k, c := range t {
				f, err := fix(c, depth+1)
				if err != nil {
					return nil, err
				}
				m[fmt.Sprint(k)] = f
			}
			return m, nil
		case []any:
			for i, c := range t {
				f, err := fix(c, depth+1)
				if err != nil {
					return nil, err
				}
				t[i] = f
			}
			return t, nil
		}
		return v, nil
	}
	v, err := fix(v, 0)
	if err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

type converter struct {
	schemas map[*openapi3.Schema]*surface.Schema
}

func convert(d *openapi3.T) (*Document, error) {
	c := &converter{schemas: map[*openapi3.Schema]*surface.Schema{}}
	doc := &Document{Version: d.OpenAPI, BasePath: basePath(d.Servers)}
	if d.Info != nil {
		doc.Title = d.Info.Title
	}
	if d.Components != nil {
		for name := range d.Components.SecuritySchemes {
			doc.SecuritySchemes = append(doc.SecuritySchemes, name)
		}
		sort.Strings(doc.SecuritySchemes)
	}
	if d.Paths == nil {
		return doc, nil
	}
	paths := d.Paths.Keys()
	sort.Strings(paths)
	for _, p := range paths {
		item := d.Paths.Value(p)
		if item == nil {
			continue
		}
		if !strings.HasPrefix(p, "/") {
			return nil, malformed("path %q does not start with /", p)
		}
		methods := make([]string, 0, 8)
		ops := item.Operations()
		for m := range ops {
			methods = append(methods, m)
		}
		sort.Strings(methods)
		for _, m := range methods {
			op := ops[m]
			if op == nil {
				continue
			}
			prefix := doc.BasePath
			if op.Servers != nil && len(*op.Servers) > 0 {
				prefix = basePath(*op.Servers)
			} else if len(item.Servers) > 0 {
				prefix = basePath(item.Servers)
			}
			ep := c.endpoint(d, prefix+p, strings.ToUpper(m), item, op)
			ep.Base = prefix
			doc.Endpoints = append(doc.Endpoints, ep)
		}
	}
	return doc, nil
}

// basePath returns the path of the first server, variables set to their
// defaults, without a trailing slash.
func basePath(servers openapi3.Servers) string {
	if len(servers) == 0 || servers[0] == nil {
		return ""
	}
	s := servers[0]
	raw := s.URL
	for name, v := range s.Variables {
		if v != nil {
			raw = strings.ReplaceAll(raw, "{"+name+"}", v.Default)
		}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	p := u.Path
	if u.Scheme == "" && u.Host == "" && !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return strings.TrimRight(p, "/")
}

func (c *converter) endpoint(d *openapi3.T, path, method string, item *openapi3.PathItem, op *openapi3.Operation) surface.Endpoint {
	ep := surface.Endpoint{
		Method:      method,
		Path:        path,
		Source:      surface.SourceSpec,
		Deprecated:  op.Deprecated,
		OperationID: op.OperationID,
		Tags:        op.Tags,
		Summary:     op.Summary,
	}
	// Parameters: the operation's override the path item's of the same
	// name and location.
	seen := map[string]int{}
	for _, group := range []openapi3.Parameters{item.Parameters, op.Parameters} {
		for _, pr := range group {
			if pr == nil || pr.Value == nil {
				continue
			}
			p := c.param(pr.Value)
			key := p.In + "\x00" + p.Name
			if i, ok := seen[key]; ok {
				ep.Params[i] = p
				continue
			}
			seen[key] = len(ep.Params)
			ep.Params = append(ep.Params, p)
		}
	}
	// Every placeholder is a required path parameter, declared or not.
	for _, name := range surface.PathParams(path) {
		if _, ok := seen["path\x00"+name]; ok {
			continue
		}
		seen["path\x00"+name] = len(ep.Params)
		ep.Params = append(ep.Params, surface.Param{Name: name, In: "path", Required: true, Values: []string{surface.Synthesize(name, nil)}, Synthetic: true})
	}

	sec := d.Security
	if op.Security != nil {
		sec = *op.Security
	}
	if len(sec) > 0 {
		required := true
		for _, req := range sec {
			names := make([]string, 0, len(req))
			for n := range req {
				names = append(names, n)
			}
			sort.Strings(names)
			if len(names) == 0 {
				required = false
			}
			ep.Security = append(ep.Security, names)
		}
		ep.AuthRequired = surface.BoolPtr(required)
	} else {
		ep.AuthRequired = surface.BoolPtr(false)
	}

	if op.RequestBody != nil && op.RequestBody.Value != nil {
		ep.Body = c.body(op.RequestBody.Value)
	}
	if op.Responses != nil {
		codes := op.Responses.Keys()
		sort.Strings(codes)
		for _, code := range codes {
			rr := op.Responses.Value(code)
			if rr == nil || rr.Value == nil {
				continue
			}
			ct, mt := pickMedia(rr.Value.Content)
			r := surface.Response{Status: code, ContentType: ct}
			if mt != nil {
				r.Schema = c.schema(mt.Schema)
				r.Examples = examples(mt.Example, mt.Examples)
			}
			ep.Responses = append(ep.Responses, r)
		}
	}
	return ep
}

func (c *converter) param(p *openapi3.Parameter) surface.Param {
	out := surface.Param{Name: p.Name, In: p.In, Required: p.Required || p.In == "path"}
	s := c.schema(p.Schema)
	if s == nil && len(p.Content) > 0 {
		if _, mt := pickMedia(p.Content); mt != nil {
			s = c.schema(mt.Schema)
		}
	}
	out.Schema = s
	if s != nil {
		out.Format = s.Format
		for _, t := range s.Types {
			if t != "null" {
				out.Type = t
				break
			}
		}
	}
	// Known values: the parameter's examples, then the schema's example,
	// default and enum. Optional parameters keep none, so a request only
	// carries what the operation needs.
	if !out.Required {
		return out
	}
	var values []string
	add := func(v any) {
		if x := surface.Scalar(v); x != "" && !slices.Contains(values, x) {
			values = append(values, x)
		}
	}
	add(p.Example)
	names := make([]string, 0, len(p.Examples))
	for k := range p.Examples {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if e := p.Examples[k]; e != nil && e.Value != nil {
			add(e.Value.Value)
		}
	}
	if s != nil {
		add(s.Example)
		add(s.Default)
		for _, v := range s.Enum {
			add(v)
		}
	}
	if len(values) == 0 {
		values = []string{surface.Synthesize(p.Name, s)}
		out.Synthetic = true
	}
	out.Values = values
	return out
}

func (c *converter) body(rb *openapi3.RequestBody) *surface.Body {
	ct, mt := pickMedia(rb.Content)
	if ct == "" {
		return nil
	}
	b := &surface.Body{ContentType: ct, Required: rb.Required}
	if mt == nil {
		return b
	}
	b.Schema = c.schema(mt.Schema)
	if ex := examples(mt.Example, mt.Examples); len(ex) > 0 {
		b.Example = ex[0]
	} else if v := surface.ExampleValue(b.Schema); v != nil {
		b.Example, _ = json.Marshal(v)
	}
	return b
}

// pickMedia prefers JSON content.
func pickMedia(content openapi3.Content) (string, *openapi3.MediaType) {
	if len(content) == 0 {
		return "", nil
	}
	keys := make([]string, 0, len(content))
	for k := range content {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if strings.Contains(strings.ToLower(k), "json") {
			return k, content[k]
		}
	}
	return keys[0], content[keys[0]]
}

func examples(one any, many openapi3.Examples) [][]byte {
	var out [][]byte
	add := func(v any) {
		if v == nil {
			return
		}
		if b, err := json.Marshal(v); err == nil {
			out = append(out, b)
		}
	}
	add(one)
	names := make([]string, 0, len(many))
	for k := range many {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if e := many[k]; e != nil && e.Value != nil {
			add(e.Value.Value)
		}
	}
	return out
}

// schema converts a resolved schema, sharing the result for a schema seen
// before, so circular references become cycles, not infinite trees.
func (c *converter) schema(ref *openapi3.SchemaRef) *surface.Schema {
	if ref == nil || ref.Value == nil {
		return nil
	}
	in := ref.Value
	if out, ok := c.schemas[in]; ok {
		return out
	}
	out := &surface.Schema{
		Ref:        ref.Ref,
		Format:     in.Format,
		Required:   in.Required,
		Enum:       in.Enum,
		Default:    in.Default,
		Example:    in.Example,
		Deprecated: in.Deprecated,
		ReadOnly:   in.ReadOnly,
		WriteOnly:  in.WriteOnly,
	}
	c.schemas[in] = out
	if in.Type != nil {
		out.Types = in.Type.Slice()
	}
	if in.Nullable && !out.Is("null") && len(out.Types) > 0 {
		out.Types = append(out.Types, "null")
	}
	if out.Example == nil && len(in.Examples) > 0 {
		out.Example = in.Examples[0]
	}
	if out.Example == nil && in.Const != nil {
		out.Example = in.Const
	}
	if len(in.Properties) > 0 {
		out.Properties = make(map[string]*surface.Schema, len(in.Properties))
		for k, v := range in.Properties {
			out.Properties[k] = c.schema(v)
		}
	}
	out.Items = c.schema(in.Items)
	if ap := in.AdditionalProperties; ap.Has != nil || ap.Schema != nil {
		out.AdditionalSet = true
		if ap.Has != nil {
			out.AdditionalAllowed = *ap.Has
		}
		if ap.Schema != nil {
			out.Additional = c.schema(ap.Schema)
			out.AdditionalAllowed = true
		}
	}
	for _, x := range in.AllOf {
		out.AllOf = append(out.AllOf, c.schema(x))
	}
	for _, x := range in.AnyOf {
		out.AnyOf = append(out.AnyOf, c.schema(x))
	}
	for _, x := range in.OneOf {
		out.OneOf = append(out.OneOf, c.schema(x))
	}
	return out
}
