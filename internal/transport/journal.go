package transport

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/leakhound/leakhound/internal/finding"
)

// journal records every write the scan sends (--allow-write), in memory for
// the report and, when a log is set, as JSON lines appended as each write
// happens: one line before the request goes out and one when its answer,
// its restore or its removal is known (the last line of a seq is its final
// state), so a crash still leaves the record.
type journal struct {
	mu      sync.Mutex
	entries []finding.Write
	log     io.Writer
	logErr  error
	mask    func(string) string
}

func (j *journal) add(w finding.Write) int {
	j.mu.Lock()
	defer j.mu.Unlock()
	w.Seq = len(j.entries) + 1
	w.URL = j.mask(w.URL)
	j.entries = append(j.entries, w)
	j.write(w)
	return w.Seq
}

// update changes entry seq and logs its new state.
func (j *journal) update(seq int, f func(*finding.Write)) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if seq < 1 || seq > len(j.entries) {
		return
	}
	f(&j.entries[seq-1])
	j.write(j.entries[seq-1])
}

func (j *journal) write(w finding.Write) {
	if j.log == nil || j.logErr != nil {
		return
	}
	b, err := json.Marshal(w)
	if err == nil {
		_, err = j.log.Write(append(b, '\n'))
	}
	j.logErr = err
}

func (j *journal) list() []finding.Write {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]finding.Write(nil), j.entries...)
}

// Writes returns the write journal so far.
func (c *Client) Writes() []finding.Write { return c.journal.list() }

// WriteLogError returns the first error writing the --write-log file.
func (c *Client) WriteLogError() error {
	c.journal.mu.Lock()
	defer c.journal.mu.Unlock()
	return c.journal.logErr
}

// VerifyRestore records whether reading back after the restore of write
// seq showed the original state.
func (c *Client) VerifyRestore(seq int, ok bool) {
	c.journal.update(seq, func(w *finding.Write) { w.RestoreVerified = &ok })
}

// RestoreVerifier is implemented by an Env whose client keeps the write
// journal: checks that undo a write report whether the undo held.
type RestoreVerifier interface {
	VerifyRestore(seq int, ok bool)
}

// CreatedObject is an object a write of this scan created.
type CreatedObject struct {
	// Path is where the object lives (a Location, or the collection path
	// and the returned id).
	Path string
	// Creator is the identity that created it.
	Creator string
	// Write is the seq of the creating write in the journal.
	Write int
}

// Created lists the objects the scan's writes created and that were not
// removed yet.
func (c *Client) Created() []CreatedObject {
	c.policy.mu.Lock()
	defer c.policy.mu.Unlock()
	var out []CreatedObject
	for p, o := range c.policy.created {
		if !o.removed {
			out = append(out, CreatedObject{Path: p, Creator: o.creator, Write: o.write})
		}
	}
	sortCreated(out)
	return out
}

// MarkRemoved records whether the cleanup deleted a created object.
func (c *Client) MarkRemoved(obj CreatedObject, ok bool) {
	c.journal.update(obj.Write, func(w *finding.Write) { w.Removed = &ok })
	if ok {
		c.policy.mu.Lock()
		if o, found := c.policy.created[obj.Path]; found {
			o.removed = true
			c.policy.created[obj.Path] = o
		}
		c.policy.mu.Unlock()
	}
}

// createdPath finds the object a successful POST created: its Location on
// the target's origin, else, for a 201 Created, the request path and the
// top-level "id" of the JSON answer (RFC 9110 §15.3.2).
func (c *Client) createdPath(req Request, u *url.URL, resp *Response) string {
	if req.Method != http.MethodPost || resp.Status/100 != 2 {
		return ""
	}
	if loc := resp.Header.Get("Location"); loc != "" {
		if next, err := u.Parse(loc); err == nil && Origin(next) == c.origin {
			return next.Path
		}
	}
	var body map[string]any
	if resp.Status != http.StatusCreated || json.Unmarshal(resp.Body, &body) != nil {
		// An id in a 200 may name an object that existed before.
		return ""
	}
	var id string
	switch v := body["id"].(type) {
	case string:
		id = v
	case float64:
		id = strconv.FormatFloat(v, 'f', -1, 64)
	default:
		return ""
	}
	if id == "" || len(id) > 128 {
		return ""
	}
	return u.Path + "/" + url.PathEscape(id)
}

func now() time.Time { return time.Now().UTC() }
