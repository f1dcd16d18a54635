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

#include "common/digest.h"
#include "server/api/document_cache.h"
#include "server/auth/tokens.h"
#include "server/http/metrics.h"
#include "server/http/router.h"
#include "server/store/blob_store.h"
#include "server/store/metadata_store.h"

namespace wreg::api {

// Counters the handlers keep for /metrics, beside the HTTP ones.
struct ApiCounters {
  std::atomic<std::uint64_t> publishes_created{0};
  std::atomic<std::uint64_t> publishes_unchanged{0};
  std::atomic<std::uint64_t> publishes_refused{0};
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
};

// Adds every API route, /healthz and /metrics to `router`. `context` must outlive it.
void add_routes(http::Router& router, ApiContext& context);

}  // namespace wreg::api
