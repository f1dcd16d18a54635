// The one table from ErrorCode to HTTP status (STYLE.md, "Errors"). Every error a handler or
// the store returns reaches the wire through it, so a code means the same status everywhere.
#pragma once

#include "common/result.h"

namespace wreg::http {

// kInvalidArgument 400, kUnauthenticated 401, kPermissionDenied 403, kNotFound 404,
// kAlreadyExists and kConflict 409, kTooLarge 413, kUnsolvable 422, kUnavailable 503,
// kIo, kCorrupt and kInternal 500.
int http_status(ErrorCode code);

// The reason phrase for the statuses wreg sends ("Not Found"), "Unknown" for others.
const char* reason_phrase(int status);

}  // namespace wreg::http
