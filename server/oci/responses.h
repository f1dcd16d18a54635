// OCI error responses (distribution-spec, "Error Codes"): one table from an OCI code to its
// status, and from a store's or reader's Error to the OCI code a route gives it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/oci/manifest.h"
#include "common/package_name.h"
#include "common/result.h"
#include "server/http/message.h"

namespace wreg::oci {

// The status the distribution spec gives `code`: 404 for the *_UNKNOWN codes but
// MANIFEST_BLOB_UNKNOWN, 400 for that and the *_INVALID ones, 401 UNAUTHORIZED, 403 DENIED, 405
// UNSUPPORTED, 429 TOOMANYREQUESTS, 500 UNKNOWN.
int status_of(Code code);

// `{"errors":[{"code":...,"message":...}]}` with status_of(code), or with `status`.
http::Response error_response(Code code, std::string_view message);
http::Response error_response(Code code, std::string_view message, int status);

// What each route calls an Error's kNotFound and kInvalidArgument (e.g. MANIFEST_UNKNOWN and
// MANIFEST_INVALID for a manifest route).
struct ErrorCodes {
  Code not_found;
  Code invalid;
};
// A route's codes for errors about the repository name: NAME_UNKNOWN and NAME_INVALID.
inline constexpr ErrorCodes kNameCodes{Code::kNameUnknown, Code::kNameInvalid};

// `error` as an OCI error: kNotFound and kInvalidArgument as `codes` says; kUnauthenticated
// UNAUTHORIZED (401, with a `WWW-Authenticate: Bearer` challenge); kPermissionDenied DENIED
// (403); kConflict and kAlreadyExists DENIED with 409; kTooLarge SIZE_INVALID with 413; anything
// else UNKNOWN with the status the native table gives it and, for kInternal, a generic message
// (the detail kept for the log only).
http::Response error_of(const Error& error, ErrorCodes codes);

// NAME_UNKNOWN for a push to `name` whose namespace was not created, saying how to create it.
http::Response namespace_unknown(const PackageName& name);

// `<path?n=N&last=L>; rel="next"`, the Link header of a page that more follow
// (distribution-spec, "Listing Tags").
std::string next_link(std::string_view path, std::size_t n, std::string_view last);

// Adds the header every /v2 response carries: `Docker-Distribution-API-Version: registry/2.0`.
void mark_registry_response(http::Response& response);

}  // namespace wreg::oci
