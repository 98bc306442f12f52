package scan

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/transport"
)

// safetyReport copies what the safety policy did into the report: the
// operations it kept from being sent, the requests it refused and the
// write journal. Paths and URLs are masked like every location.
func safetyReport(rep *finding.Report, client *transport.Client) {
	rep.SkippedOperations = maskSkipped(client.Skipped())
	rep.RequestsRefused = client.Refused()
	rep.Writes = client.Writes()
	if err := client.WriteLogError(); err != nil {
		rep.Errors = append(rep.Errors, "write log: "+err.Error())
	}
}

func maskSkipped(in []finding.SkippedOperation) []finding.SkippedOperation {
	for i := range in {
		in[i].Path = maskLocation(in[i].Path)
	}
	return in
}

// cleanupTimeout bounds the removal of what the scan created, which runs
// even after an interrupt.
const cleanupTimeout = 30 * time.Second

// cleanup removes, at the end of an --allow-write scan, the objects its
// writes created, where the surface documents a DELETE for them; it is sent
// as the identity that created each one. What it cannot remove stays in
// the write journal with Removed false or unset, and is listed in the
// reports.
func cleanup(ctx context.Context, e *env, log *slog.Logger) {
	created := e.client.Created()
	if len(created) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(transport.WithCheck(ctx, "cleanup"), cleanupTimeout)
	defer cancel()
	ids := map[string]transport.Identity{transport.AnonymousName: transport.Anonymous()}
	for _, id := range e.allIdentities {
		ids[id.Name] = id
	}
	for _, obj := range created {
		id, ok := ids[obj.Creator]
		if !ok || !documentedDelete(e, obj.Path) {
			log.Warn("object created by the scan left on the target: no documented DELETE", "path", maskLocation(obj.Path))
			continue
		}
		resp, err := e.client.Do(ctx, transport.Request{Method: http.MethodDelete, Path: obj.Path, Purpose: "remove an object this scan created"}, id)
		removed := err == nil && (resp.Status/100 == 2 || resp.Status == http.StatusNotFound || resp.Status == http.StatusGone)
		e.client.MarkRemoved(obj, removed)
		if !removed {
			log.Warn("object created by the scan could not be removed", "path", maskLocation(obj.Path))
		}
	}
}

// documentedDelete reports whether a documented operation deletes path.
func documentedDelete(e *env, path string) bool {
	for _, ep := range e.Endpoints() {
		if ep.Method == http.MethodDelete && ep.Documented() && ep.Matches(path) {
			return true
		}
	}
	return false
}
