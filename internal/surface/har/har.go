// Package har reads HTTP Archive (HAR 1.2) recordings made by browsers and
// proxies into endpoints with the parameter values really sent.
package har

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/transport"
)

// MaxSize bounds a HAR file.
const MaxSize = 256 << 20

type archive struct {
	Log *struct {
		Entries []entry `json:"entries"`
	} `json:"log"`
}

type nameValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type entry struct {
	Request struct {
		Method   string      `json:"method"`
		URL      string      `json:"url"`
		Headers  []nameValue `json:"headers"`
		PostData *struct {
			MimeType string `json:"mimeType"`
			Text     string `json:"text"`
		} `json:"postData"`
	} `json:"request"`
	Response struct {
		Status int `json:"status"`
	} `json:"response"`
}

// LoadFile reads a HAR file, keeping the requests sent to target's origin.
func LoadFile(path string, target *url.URL) (*surface.Recorded, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read HAR %q: %w", path, err)
	}
	defer f.Close()
	rec, err := Read(io.LimitReader(f, MaxSize), target)
	if err != nil {
		return nil, fmt.Errorf("load HAR %q: %w", path, err)
	}
	return rec, nil
}

// Read parses a HAR document. Requests for other origins than target's are
// skipped (all are kept when target is nil).
func Read(r io.Reader, target *url.URL) (*surface.Recorded, error) {
	var a archive
	if err := json.NewDecoder(r).Decode(&a); err != nil {
		return nil, fmt.Errorf("%w: not a HAR file: %v", surface.ErrMalformed, err)
	}
	if a.Log == nil {
		return nil, fmt.Errorf("%w: not a HAR file: no log", surface.ErrMalformed)
	}
	rec := &surface.Recorded{}
	creds := surface.NewCredentialSet("har")
	for _, e := range a.Log.Entries {
		u, err := url.Parse(e.Request.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || e.Request.Method == "" {
			rec.Skipped++
			continue
		}
		if target != nil && transport.Origin(u) != transport.Origin(target) {
			rec.Skipped++
			continue
		}
		ep := surface.FromURL(e.Request.Method, u, surface.SourceHAR, nil)
		if e.Response.Status > 0 {
			ep.Status = e.Response.Status
		}
		h := http.Header{}
		for _, nv := range e.Request.Headers {
			transport.AddRaw(h, nv.Name, nv.Value) // names as recorded
		}
		creds.Add(h)
		if pd := e.Request.PostData; pd != nil && pd.Text != "" && strings.Contains(strings.ToLower(pd.MimeType), "json") && json.Valid([]byte(pd.Text)) {
			ep.Body = &surface.Body{ContentType: pd.MimeType, Example: []byte(pd.Text)}
		}
		rec.Endpoints = surface.Merge(rec.Endpoints, ep, 10)
	}
	rec.Credentials = creds.List()
	return rec, nil
}
