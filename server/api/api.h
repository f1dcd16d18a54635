// The registry's HTTP API (DESIGN.md, "Wire API"; schema/openapi.yaml describes it as served).
//
// add_routes() puts one route per method and path on the Router; each route calls one handler
// (handlers.h), which parses the request's path and query values into domain types
// (request_values.h), checks the token when the route needs one, and calls the stores. Handlers
// never see a socket and never touch the file system except through the stores.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "common/digest.h"
#include "common/package_name.h"
#include "common/result.h"
#include "common/version.h"
#include "server/api/document_cache.h"
#include "server/api/wit_texts.h"
#include "server/auth/tokens.h"
#include "server/http/metrics.h"
#include "server/http/router.h"
#include "server/store/blob_store.h"
#include "server/store/metadata_store.h"

namespace wreg::mirror {
class Mirrors;
}
namespace wreg::tlog {
class TransparencyLog;
class Witness;
}  // namespace wreg::tlog

namespace wreg::api {

// Counters the handlers keep for /metrics, beside the HTTP ones.
struct ApiCounters {
  std::atomic<std::uint64_t> publishes_created{0};
  std::atomic<std::uint64_t> publishes_unchanged{0};
  std::atomic<std::uint64_t> publishes_refused{0};
};

// Releases' transparency log indexes as the proof route found them (packages.cpp): an index never
// changes once a release has it, so a proof costs no database read after the first. Keyed by the
// release as asked (`ns:name@version`); forgotten whole past kMaxEntries.
struct LogIndexes {
  static constexpr std::size_t kMaxEntries = 1 << 20;
  std::mutex mutex;
  std::unordered_map<std::string, std::pair<Version, std::uint64_t>> by_release;  // guarded
};

// What every handler may use. Everything here must outlive the server; all of it is
// thread-safe.
struct ApiContext {
  store::MetadataStore& metadata;
  store::BlobStore& blobs;
  const auth::Authorizer& authorizer;
  const http::HttpMetrics& http_metrics;
  ApiCounters& counters;
  bool private_reads = false;  // --private: reads need a valid token too
  std::uint64_t max_body_bytes = 100 * 1024 * 1024;
  // --metrics-token: the SHA-256 of the secret GET /metrics then needs (metrics.cpp); unset,
  // /metrics follows the read rule above.
  std::optional<Digest> metrics_token_hash{};
  DocumentCache documents{metadata};  // package documents by ETag (packages.cpp)
  // Release documents by ETag (packages.cpp). Room for the largest the reader's limits allow
  // (bench/release_memory.sh), so that no GET of one renders it again.
  DocumentCache release_documents{metadata, 64u << 20};
  std::mutex release_rendering{};  // held while a release document is rendered (packages.cpp)
  WitTexts wit_texts{};            // releases' WIT text, printed once each (packages.cpp)
  // The browse pages of packages and releases (browse.cpp), by ETag as the documents.
  DocumentCache pages{metadata, 32u << 20};
  // How the pages name this registry to wkg and OCI clients: --public-url's HOST[:PORT] (empty:
  // not given, and the page's script shows the address the browser used), and the repositories'
  // prefix under /v2/ (--oci-namespace-prefix).
  std::string public_host{};
  std::string oci_namespace_prefix{};
  // The mirrored namespaces (`--upstream`, server/mirror/mirror.h); null when there are none.
  mirror::Mirrors* mirrors = nullptr;
  // The transparency log (server/tlog/transparency_log.h). `serve` always has one; a handler
  // test may leave it null, and then writes are not awaited and /log answers 404.
  tlog::TransparencyLog* log = nullptr;
  LogIndexes log_indexes{};
  // This server as a witness of other logs (`--witness-for`, server/tlog/witness.h); null when
  // it witnesses none, and then POST /witness/add-checkpoint answers 404.
  tlog::Witness* witness = nullptr;
};

// After a write (a publish, a yank): waits until the transparency log has signed a checkpoint
// over it. nullopt when it has, or when there is no log; else the error to answer (the write
// is stored and will be signed, which the message says).
std::optional<Error> await_log(ApiContext& context);
// The log of a registry that keeps one; else kNotFound, the 404 the log's routes answer.
Result<tlog::TransparencyLog*> log_of(const ApiContext& context);

// For a read of `name`: brings it up to date with its upstream when its namespace is mirrored
// and due (mirror::Mirrors::refresh()). "" when all is well; else the line the Wreg-Upstream
// header carries.
std::string refresh_mirrored(ApiContext& context, const PackageName& name);
// The error for a read that found nothing of `name` while its upstream failed (`upstream_line`
// from refresh_mirrored()): kUnavailable naming the upstream and why. nullopt when the upstream
// did not fail.
std::optional<Error> mirror_unavailable(ApiContext& context, const PackageName& name,
                                        const std::string& upstream_line);
// kPermissionDenied when `space` is mirrored: nobody publishes into it.
std::optional<Error> refuse_mirrored_publish(ApiContext& context, const std::string& space);

// Adds every API route, the transparency log's (/log), /healthz and /metrics to `router`. `context`
// must outlive it.
void add_routes(http::Router& router, ApiContext& context);

}  // namespace wreg::api
