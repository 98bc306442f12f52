package finding

import "time"

// SkippedOperation is an operation the scan did not send, and why: the
// safety policy (docs/safety.md) classed it destructive, session-ending or
// a write without --allow-write, or the user's --include/--exclude rules
// left it out.
type SkippedOperation struct {
	Method string `json:"method"`
	// Path is the operation's template, or the concrete path (without
	// query) of a request to an operation the surface did not know.
	Path   string `json:"path"`
	Reason string `json:"reason"`
	// Refused counts the requests refused on the way to it; 0 when it was
	// skipped from its classification alone, before any request.
	Refused int `json:"refused,omitempty"`
}

// Write is one entry of the write journal: a request that could change the
// target, sent under --allow-write. URLs are masked like every location.
type Write struct {
	// Seq numbers the writes of one scan from 1, in sending order.
	Seq      int       `json:"seq"`
	Time     time.Time `json:"time"`
	Method   string    `json:"method"`
	URL      string    `json:"url"`
	Identity string    `json:"identity"`
	// Purpose is the check that sent it and what for.
	Purpose string `json:"purpose"`
	// Status is the answer's status, 0 when none came.
	Status int `json:"status,omitempty"`
	// Restores is the Seq of the write this one undoes.
	Restores int `json:"restores,omitempty"`
	// RestoreRequest is the request that undid this write ("PATCH URL"),
	// empty when none was needed or sent.
	RestoreRequest string `json:"restore_request,omitempty"`
	// RestoreVerified says whether reading back showed the original state:
	// nil when not checked.
	RestoreVerified *bool `json:"restore_verified,omitempty"`
	// Created is the path of the object this write created, when it
	// created one; Removed says whether the scan deleted it at the end.
	Created string `json:"created,omitempty"`
	Removed *bool  `json:"removed,omitempty"`
}
