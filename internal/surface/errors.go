package surface

import "errors"

// ErrMalformed marks an API description (OpenAPI, Swagger, HAR, Postman)
// that cannot be read: not the format it claims, a broken $ref, a path
// that is not a path. The CLI maps it to the usage exit code.
var ErrMalformed = errors.New("malformed API description")

// ErrUnavailable marks an API description the user named by URL that the
// target does not serve (an error status, a document over the body limit).
// Like ErrMalformed it is the user's input that is wrong: the CLI maps it to
// the usage exit code, not to "the scan could not run".
var ErrUnavailable = errors.New("API description unavailable")
