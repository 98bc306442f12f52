package surface

import "errors"

// ErrMalformed marks an API description (OpenAPI, Swagger, HAR, Postman)
// that cannot be read: not the format it claims, a broken $ref, a path
// that is not a path. The CLI maps it to the usage exit code.
var ErrMalformed = errors.New("malformed API description")
