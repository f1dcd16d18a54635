// One handler per route (one file per resource). Each takes the request the router matched
// (path values already percent-decoded and checked for traversal and bad UTF-8) and the API
// context, and returns the whole response. Errors go out as {"error":{"code","message"}}.
// All are thread-safe: they run concurrently on the server's threads.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/api/release_document.h"
#include "server/api/api.h"
#include "server/http/message.h"
#include "server/http/router.h"

namespace wreg::api {

// packages.cpp
// GET /api/v1/packages/{ns}/{name}: the package document with an ETag; 304 when If-None-Match
// matches it; 404 for a package with no release.
http::Response get_package(const http::Request& request, ApiContext& context);
// GET /api/v1/packages/{ns}/{name}/{version}: one release in full (the document's fields plus
// imports, exports, worlds, interfaces, producers and metadata read from the binary).
http::Response get_release(const http::Request& request, ApiContext& context);
// GET /api/v1/packages/{ns}/{name}/{version}/wit: the release's WIT as text/plain (listing() of
// common/wit/wit_text.h), printed once per release (wit_texts.h). ETag from the release's digest
// and Cache-Control as get_release(); 304 when If-None-Match matches; 404 for a missing package or
// version; 422 `unprintable` for a binary the printer refuses.
http::Response get_wit(const http::Request& request, ApiContext& context);
// GET /api/v1/packages/{ns}/{name}/{version}/proof[?from=N]: that the release's publish entry is
// in the transparency log's newest checkpoint, as api::ReleaseProof (JSON), with a consistency
// proof from tree size N to that checkpoint when N is at most its size. 404 without a log.
http::Response get_release_proof(const http::Request& request, ApiContext& context);

// Shared by the documents above and the browse pages (browse.cpp):
// The release `id` as its document; kNotFound when there is no such release.
Result<ReleaseDocument> read_release(ApiContext& context, const PackageVersion& id);
// The WIT of `id`, printed once per release (wit_texts.h); `log_detail` gets what only the
// server's log may say of a failure.
Result<WitTexts::Entry> release_wit(ApiContext& context, const PackageVersion& id,
                                    std::string& log_detail);
// `etag` (quoted) with `/part` added inside the quotes: the ETag of something derived from what
// `etag` names (a release, a page of it).
std::string extended_etag(const std::string& etag, std::string_view part);
// A release's ETag: its package's ETag (quoted) with the version added inside the quotes. Every
// change of a release (its yank or unyank) bumps its package's revision.
std::string release_etag(const std::string& package_etag, const Version& version);
// 304 when the request's If-None-Match matches `etag`; nullopt otherwise.
std::optional<http::Response> not_modified(const http::Request& request, const std::string& etag);

// browse.cpp: the HTML pages (server/web/pages.h), sent with a Content-Security-Policy that lets
// them load nothing but the stylesheet and the script. Errors are pages too.
// GET /: counts, the search form, and a page of packages (all, or those ?q=&exports=&imports=
// match); the newest releases when nothing is searched.
http::Response get_home_page(const http::Request& request, ApiContext& context);
// GET /namespaces/{ns}: its packages, a page at a time.
http::Response get_namespace_page(const http::Request& request, ApiContext& context);
// GET /packages/{ns}/{name} and /packages/{ns}/{name}/{version}: cached like the documents
// (ETag, 304), and rendered again after a publish, yank or unyank of the package (and, for a
// package page, of a package that depends on it).
http::Response get_package_page(const http::Request& request, ApiContext& context);
http::Response get_release_page(const http::Request& request, ApiContext& context);
// GET /static/wreg.css, /static/wreg.js and /static/favicon.svg.
http::Response get_stylesheet(const http::Request& request, ApiContext& context);
http::Response get_script(const http::Request& request, ApiContext& context);
http::Response get_favicon(const http::Request& request, ApiContext& context);

// publish.cpp
// PUT /api/v1/packages/{ns}/{name}/{version}, opened when the header is in: checks the name,
// version, token and Digest-Sha256 header before any of the body is read, then returns the
// consumer that streams the body into the blob store and, at its end, validates it with the
// wasm reader and records the release. 201 new, 200 same bytes again, 409 other bytes.
http::Route::Opened open_publish(const http::Request& request, ApiContext& context);

// blobs.cpp
// GET/HEAD /api/v1/blobs/{digest}: the bytes, with ETag = digest, immutable caching, and a
// single `Range` (206, or 416 with `Content-Range: bytes */size`).
http::Response get_blob(const http::Request& request, ApiContext& context);

// yank.cpp
// POST /api/v1/packages/{ns}/{name}/{version}/yank and .../unyank.
http::Response set_yanked(const http::Request& request, ApiContext& context, bool yanked);

// log.cpp: the transparency log (server/tlog/transparency_log.h), as C2SP serves one.
// GET /log/checkpoint: the newest signed checkpoint (text/plain; not cached).
http::Response get_checkpoint(const http::Request& request, ApiContext& context);
// GET /log/key: the log's verifier key, one line (c2sp.org/signed-note's vkey), which a client
// pins on first use. Cached for a day: it changes only when the operator rotates the key.
http::Response get_log_key(const http::Request& request, ApiContext& context);
// GET /log/tile/<L>/<N>[.p/<W>] and /log/tile/entries/<N>[.p/<W>]: c2sp.org/tlog-tiles, cached
// for good (a tile's bytes never change); 404 for a tile the newest checkpoint does not cover,
// 400 for a path that is not a tile's.
http::Response get_tile(const http::Request& request, ApiContext& context);
// GET /log/consistency?from=N: RFC 6962 consistency proof from size N to the newest checkpoint,
// as the body a log sends a witness (c2sp.org/tlog-witness add-checkpoint): `old N`, one base64
// hash per line, a blank line, the signed checkpoint. With `&to=M` (M up to the newest size): the
// proof from N to M, without a checkpoint (the client has the one of size M); it never changes,
// so it is cached for good.
http::Response get_consistency(const http::Request& request, ApiContext& context);
// POST /witness/add-checkpoint: c2sp.org/tlog-witness, this server cosigning another log's
// checkpoint (server/tlog/witness.h says the answers). No token: the log's signature is what
// authenticates the request. 404 when this server witnesses no log.
http::Response add_witnessed_checkpoint(const http::Request& request, ApiContext& context);

// search.cpp
// GET /api/v1/packages?q=&exports=&imports=&limit=&cursor=.
http::Response search_packages(const http::Request& request, ApiContext& context);

// health.cpp
// GET /healthz: 200 when the metadata store answers, else 503.
http::Response get_health(const http::Request& request, ApiContext& context);

// whoami.cpp
// GET /api/v1/whoami: whose the bearer token is (Whoami in common/api/answers.h: its id, admin,
// the namespaces it may publish to; never the secret). 401 for a missing, unknown or revoked
// token, whatever the read rule.
http::Response get_whoami(const http::Request& request, ApiContext& context);

// metrics.cpp
// GET /metrics: Prometheus text (HTTP metrics, publishes, packages, releases, blob bytes).
http::Response get_metrics(const http::Request& request, ApiContext& context);

}  // namespace wreg::api
