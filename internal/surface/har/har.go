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

// maxValues bounds the values kept from recorded answers.
const maxValues = 2000

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
		Status  int `json:"status"`
		Content struct {
			MimeType string `json:"mimeType"`
			Text     string `json:"text"`
			Encoding string `json:"encoding"`
		} `json:"content"`
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
// skipped (all are kept when target is nil). A recording made entirely on
// another host (a staging or production host of the same API) is rebased:
// when no entry is for target's origin, the entries of the most recorded
// origin are read as paths of the target, and Recorded.Rebased names that
// origin. Nothing is ever sent to it.
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
	counts := map[string]int{}
	matching := 0
	for _, e := range a.Log.Entries {
		if u, err := url.Parse(e.Request.URL); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
			o := transport.Origin(u)
			counts[o]++
			if target != nil && o == transport.Origin(target) {
				matching++
			}
		}
	}
	origin := ""
	if target != nil {
		origin = transport.Origin(target)
		if matching == 0 {
			best := 0
			for o, n := range counts {
				if n > best || n == best && o < origin {
					origin, best = o, n
				}
			}
			if best > 0 {
				rec.Rebased = origin
			}
		}
	}
	// Values of the recorded answers first: a path segment that is such a
	// value (a note title listed by /notes, a username) is a parameter
	// named after the key it was listed under (/notes/{note_title}).
	kept := func(e entry) (*url.URL, bool) {
		u, err := url.Parse(e.Request.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || e.Request.Method == "" {
			return nil, false
		}
		return u, target == nil || transport.Origin(u) == origin
	}
	known := map[string]string{}
	for _, e := range a.Log.Entries {
		if _, ok := kept(e); !ok {
			continue
		}
		// Values the recorded answers carried (ids, titles, usernames) are
		// a value source; credentials are never among them (only answers
		// with data, never request headers).
		if c := e.Response.Content; e.Response.Status >= 200 && e.Response.Status < 300 && c.Encoding == "" && strings.Contains(strings.ToLower(c.MimeType), "json") {
			for _, v := range surface.AnswerValues([]byte(c.Text), surface.FromRecording, "") {
				if len(rec.Values) < maxValues {
					rec.Values = append(rec.Values, v)
				}
				if _, dup := known[v.Value]; !dup && len(v.Value) >= 3 && surface.RoleOf(v.Key, surface.InBody, nil).IsReference() {
					known[v.Value] = v.Key
				}
			}
		}
	}
	for _, e := range a.Log.Entries {
		u, ok := kept(e)
		if !ok {
			rec.Skipped++
			continue
		}
		ep := surface.FromURL(e.Request.Method, u, surface.SourceHAR, func(seg string) (string, bool) {
			k, ok := known[seg]
			return k, ok
		})
		if e.Response.Status > 0 {
			ep.Status = e.Response.Status
		}
		h := http.Header{}
		for _, nv := range e.Request.Headers {
			transport.AddRaw(h, nv.Name, nv.Value) // names as recorded
		}
		creds.Add(h)
		if pd := e.Request.PostData; pd != nil && pd.Text != "" {
			surface.RecordBody(&ep, pd.MimeType, []byte(pd.Text))
		}
		rec.Endpoints = surface.Merge(rec.Endpoints, ep, 10)
	}
	rec.Credentials = creds.List()
	return rec, nil
}
