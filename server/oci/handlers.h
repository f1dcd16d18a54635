// One handler per OCI route (oci.h), each taking the request the router matched and the API
// context and returning the whole response; errors go out in OCI's body (responses.h). All are
// thread-safe: they run concurrently on the server's threads.
#pragma once

#include "server/http/message.h"
#include "server/http/router.h"
#include "server/oci/oci.h"

namespace wreg::oci {

// discovery.cpp
// GET /.well-known/wasm-pkg/registry.json: wkg's discovery document, naming this server (as the
// request's Host reached it, or --public-url) as an OCI registry with its namespace prefix, and the
// native API in a `wreg` block. 400 when the Host is not a host name or address with an optional
// port.
http::Response get_discovery(const http::Request& request, OciContext& context);
// GET /v2/: the API version check, as check_login() (credentials.h) decides: 200 `{}` with a
// valid token, or the anonymous one while reads are open; otherwise 401 UNAUTHORIZED with a
// challenge.
http::Response get_base(const http::Request& request, OciContext& context);
// GET /v2/_catalog?n=&last=: repositories `<prefix>ns/name` in the store's name order, at most `n`
// (default 100, at most 1000), after `last`; a `Link: <...>; rel="next"` header when more follow.
http::Response get_catalog(const http::Request& request, OciContext& context);

// blobs.cpp
// GET/HEAD /v2/{ns}/{name}/blobs/{digest}: a stored blob's bytes with Docker-Content-Digest,
// through the same response as /api/v1/blobs (api/blob_response.h: ETag, Range, 304, 416).
// 400 DIGEST_INVALID for a digest that is malformed or not sha256; 404 BLOB_UNKNOWN.
http::Response get_blob(const http::Request& request, OciContext& context);

// manifests.cpp
// GET/HEAD /v2/{ns}/{name}/manifests/{reference}: the release's manifest by tag (its exact
// version) or by digest, with Content-Type = its media type, Docker-Content-Digest and ETag.
// A release published natively gets its synthesised manifest stored on first ask (oci.h).
// 404 MANIFEST_UNKNOWN when no such tag or digest, or when `Accept` lists types and none is the
// manifest's; 400 DIGEST_INVALID, NAME_INVALID.
http::Response get_manifest(const http::Request& request, OciContext& context);
// GET /v2/{ns}/{name}/tags/list?n=&last=: the versions that are tags (no build metadata), in
// lexical order, at most `n`, after `last`; `Link` when more follow. 404 NAME_UNKNOWN.
http::Response get_tags(const http::Request& request, OciContext& context);
// GET /v2/{ns}/{name}/referrers/{digest}: an image index of the manifests whose subject is
// `digest`; wreg takes no such manifests yet, so the index is empty. 400 DIGEST_INVALID.
http::Response get_referrers(const http::Request& request, OciContext& context);

// uploads.cpp (see its header comment for how sessions work)
// POST /v2/{ns}/{name}/blobs/uploads/: with ?digest=, the body is the blob (201 with Location and
// Docker-Content-Digest; 400 DIGEST_INVALID when the bytes do not match); with ?mount=<digest>
// of a stored blob, 201 without a body; otherwise 202 with a new session's Location, Range 0-0
// and Docker-Upload-UUID. Needs a push token for the namespace (401 with a challenge, 403
// DENIED); 404 NAME_UNKNOWN for a namespace that was not created.
http::Route::Opened open_upload_start(const http::Request& request, OciContext& context);
// PATCH /v2/{ns}/{name}/blobs/uploads/{id}: appends the body to the session, at the offset its
// Content-Range (`<first>-<last>`) says or, without one, at its end; 202 with the session's
// Range. 416 BLOB_UPLOAD_INVALID (with the session's Range) for a chunk that does not start where
// the session ends, whose length is not its range's, or while another request writes the
// session; 413 SIZE_INVALID past the body limit; 404 BLOB_UPLOAD_UNKNOWN for an id that is not a
// session of this repository. A refused or cut-short chunk leaves the session as it was.
http::Route::Opened open_upload_chunk(const http::Request& request, OciContext& context);
// PUT /v2/{ns}/{name}/blobs/uploads/{id}?digest=: the body, if any, is the last chunk (as PATCH);
// then the session's bytes are the blob: 201 as above and the session is gone. 400
// DIGEST_INVALID when they do not match ?digest= (the session is discarded too).
http::Route::Opened open_upload_finish(const http::Request& request, OciContext& context);
// GET /v2/{ns}/{name}/blobs/uploads/{id}: 204 with the session's Location and Range.
http::Response get_upload(const http::Request& request, OciContext& context);
// DELETE /v2/{ns}/{name}/blobs/uploads/{id}: removes the session; 204.
http::Response cancel_upload(const http::Request& request, OciContext& context);

// push.cpp
// PUT /v2/{ns}/{name}/manifests/{tag}: publishes the release the Wasm artifact manifest names
// (push.cpp's header comment). 201 with Location and Docker-Content-Digest, also for the same
// manifest again; 400 MANIFEST_INVALID (not a Wasm artifact, a tag that is not a version, a
// layer the reader refuses: its message), 400 MANIFEST_BLOB_UNKNOWN, 409 DENIED for a version
// already published with other bytes or another manifest, 405 UNSUPPORTED by digest.
http::Response put_manifest(const http::Request& request, OciContext& context);
// credentials.cpp
// GET /v2/token?service=&scope=...: Docker's token endpoint. With Basic (any user, a wreg token
// as password) or Bearer credentials, or none while reads are open (anonymous, pull only): a
// short-lived bearer token (auth/bearer_tokens.h) granting the scopes asked for as far as the
// wreg token permits, as `token` and `access_token` with `expires_in` and `issued_at`. 401
// UNAUTHORIZED for bad credentials; 400 NAME_INVALID for a scope's repository that is not
// <prefix><ns>/<name>.
http::Response get_token(const http::Request& request, OciContext& context);

}  // namespace wreg::oci
