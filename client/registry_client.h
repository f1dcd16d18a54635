// RegistryClient: the wire API (DESIGN.md, "Wire API") over HTTP/1.1, for one registry.
//
// How it talks: Boost.Beast over plain TCP or TLS (OpenSSL). TLS verifies the server's
// certificate chain against the system store (OpenSSL's default paths, so SSL_CERT_FILE and
// SSL_CERT_DIR work) plus `ca_file` when given, and its host name or IP address; there is no
// switch to turn that off. A failed verification names OpenSSL's reason (`certificate verify
// failed (self-signed certificate)`) and how to trust a private CA. Connections are
// kept alive and reused across the requests of one command; at most `max_connections` are open
// at once, which bounds parallel downloads. Every step (resolve, connect, handshake, write, read)
// has a deadline. A request that fails on the connection (refused, reset, timed out, closed
// before the answer) or gets a 5xx answer is retried with exponential backoff, up to
// `max_attempts` in all; every request made here is idempotent (GET, HEAD, PUT of immutable
// bytes, yank/unyank setting a flag). When the registry cannot be reached the error is one line:
// `cannot reach registry http://127.0.0.1:9: connection refused` (kUnavailable).
//
// HTTP error answers become Errors carrying the registry's own message from
// `{"error":{"code","message"}}` (api::ErrorBody), with the code mapped from the status (404 ->
// kNotFound, 409 -> kConflict, 401 -> kUnauthenticated, 403 -> kPermissionDenied, 400 ->
// kInvalidArgument, ...).
//
// The transport (client/transport/) is where each of these rules lives: the connection and its
// deadlines and TLS (connection.h), the pool (connection_pool.h), the retries (retry_policy.h)
// and pipelining (pipelined_batch.h). This file is what the requests and answers mean.
//
// The token given in Options is sent only to this registry. Beast stays out of this header.
// Thread-safe: any method may be called from many threads at once (connections are pooled).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "client/transport/options.h"
#include "common/api/answers.h"
#include "common/api/release_document.h"
#include "common/api/search_page.h"
#include "common/digest.h"
#include "common/package_name.h"
#include "common/package_ref.h"
#include "common/result.h"
#include "common/tlog/consistency.h"

namespace wreg::client {

// Called as bytes move: (bytes so far, total or 0 when unknown). From the calling thread.
using TransferProgress = std::function<void(std::uint64_t done, std::uint64_t total)>;

// The transport's options (ca_file, deadlines, attempts, backoff, max_connections: see
// client/transport/options.h), and which registry to talk to with which token.
struct RegistryClientOptions : transport::TransportOptions {
  std::string registry;  // a normalized URL (config.h), e.g. http://127.0.0.1:8080
  std::optional<std::string> token;
};

struct DocumentAnswer {
  bool not_modified = false;  // 304: the cached copy is current
  std::string etag;
  std::string body;  // the document JSON when modified
};

struct DocumentRequest {
  PackageName name;
  std::string etag;  // sent as If-None-Match when non-empty
};

struct SearchParams {
  std::string text;
  std::string exports;
  std::string imports;
  std::size_t limit = 0;  // 0: the registry's default
  std::string cursor;
};

class RegistryClient {
 public:
  // kInvalidArgument for a URL that normalize_registry_url would refuse; kIo if TLS cannot be
  // set up. Opens no connection yet.
  static Result<std::unique_ptr<RegistryClient>> create(RegistryClientOptions options);
  ~RegistryClient();
  RegistryClient(const RegistryClient&) = delete;
  RegistryClient& operator=(const RegistryClient&) = delete;

  const std::string& registry() const;

  // GET /api/v1/packages/{ns}/{name}, with If-None-Match when `etag` is non-empty.
  Result<DocumentAnswer> get_package_document(const PackageName& name, const std::string& etag);
  // get_package_document() for several packages at once, answers in the order asked: the
  // requests go out back to back on one connection and the answers come back in order (HTTP/1.1
  // pipelining), so revalidating n cached documents costs one round trip, not n. What that
  // connection does not answer (it failed or closed part-way, or answered 5xx) is asked again one
  // by one, with the retries above.
  std::vector<Result<DocumentAnswer>> get_package_documents(
      const std::vector<DocumentRequest>& requests);
  // The answers below are read with their common/api type; an answer that does not read is
  // kCorrupt, naming the registry and what was wrong with it.

  // GET /api/v1/packages/{ns}/{name}/{version}.
  Result<api::ReleaseDocument> get_release(const PackageVersion& id);
  // GET /api/v1/packages/{ns}/{name}/{version}/wit: the release's WIT text as the registry printed
  // it, unchecked: escape it before showing it (common/text.h). kCorrupt for an answer that is not
  // text/plain; a binary the registry cannot print is its 422 as kInvalidArgument.
  Result<std::string> get_wit(const PackageVersion& id);
  // GET .../{version}/proof[?from=N]: the release's inclusion proof in the registry's
  // transparency log, with a consistency proof from tree size `from` (client/log_verifier.h
  // checks both). kNotFound from a registry that keeps no log.
  Result<api::ReleaseProof> get_release_proof(const PackageVersion& id,
                                              std::optional<std::uint64_t> from);
  // get_release_proof() of several releases, all from `from`, as one pipelined batch (as
  // get_package_documents() above); answers in the order asked.
  std::vector<Result<api::ReleaseProof>> get_release_proofs(const std::vector<PackageVersion>& ids,
                                                            std::optional<std::uint64_t> from);
  // GET /log/consistency?from=N[&to=M]: the consistency proof from size N to M, or to the newest
  // checkpoint, which then comes with it. Read, not verified.
  Result<tlog::ConsistencyBody> get_consistency(std::uint64_t from,
                                                std::optional<std::uint64_t> to);
  // GET /log/<tile path> (c2sp.org/tlog-tiles, tlog::TilePath::to_string()): its bytes, unchecked.
  Result<std::string> get_tile(const std::string& path);
  // GET /log/key: the log's verifier key line as sent, unchecked (tlog::parse_verifier_key).
  Result<std::string> get_log_key();
  // PUT /api/v1/packages/{ns}/{name}/{version} with Digest-Sha256. `created` is false when these
  // bytes were already that release (200, a safe retry).
  Result<api::Published> publish(const PackageVersion& id, std::string_view bytes,
                                 const Digest& digest, const TransferProgress& progress = {});
  // POST .../yank or .../unyank.
  Result<api::YankState> set_yanked(const PackageVersion& id, bool yanked);
  // GET /api/v1/whoami: whose the token in Options is (401, kUnauthenticated: not valid here).
  Result<api::Whoami> whoami();
  // GET /api/v1/packages?...: one page of the listing.
  Result<api::SearchPage> search(const SearchParams& params);
  // GET /api/v1/blobs/sha256:{hex}: the bytes, not yet verified (the caller hashes them).
  // `size` (non-zero: what the package document lists) is the most bytes accepted; past it the
  // answer is kTooLarge, before more is held in memory.
  Result<std::string> get_blob(const Digest& digest, const TransferProgress& progress = {},
                               std::uint64_t size = 0);

  // Requests sent so far (every attempt counts), for `bench/` and tests.
  std::uint64_t requests_made() const;

 private:
  struct Impl;
  explicit RegistryClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};


// For main(), before anything else uses OpenSSL: starts OpenSSL without reading its
// configuration file (openssl.cnf), which it would otherwise read, together with all of its error
// strings, at the first SHA-256 of every command (a warm `wreg add` over http needs neither:
// bench/README.md). The configuration is then read by the first RegistryClient for an https
// registry, before its TLS context is made, so TLS still follows the system's settings.
void defer_openssl_config();

}  // namespace wreg::client
