// Fetcher: package documents and blobs for one command, from the cache or the registries.
//
// It holds one RegistryClient per registry URL (created on first use, with that registry's own
// token from Config, so a token never travels to another registry) and the Cache:
//   - document(): a package document, revalidated with its cached ETag (If-None-Match; a 304
//     costs no body), parsed once per command and kept in memory;
//   - blob(): the bytes of a digest from the cache (re-hashed) or else downloaded, verified
//     against the digest and cached;
//   - the plural forms run up to `parallelism` fetches at once, which the clients' connection
//     pools bound again; documents() asks for the documents of one registry in one pipelined
//     batch on one connection instead (cached ones revalidated), and with them the cached
//     documents they depend on, so that a level of a cold resolution costs one round trip and
//     a warm resolution one in all.
// Offline, only the cache answers; a miss is kUnavailable naming what is missing.
//
// An OCI registry (client/oci_client.h) has no package document: document() makes one from the
// repository's tags, each version `unread` (ReleaseSummary::unread) until read_releases() reads
// its manifest and its bytes (verified, cached like any blob) for digest, size, kind and
// dependencies, which is what the resolver asks for of the candidates it chooses
// (resolve::NeedsDocuments::releases). What was read is kept in the document cache, so a warm or
// offline resolution reads nothing twice: versions are immutable here as everywhere in wreg, so a
// tag that later points at other bytes does not change what this client locked (its digest).
// A namespace whose registry is a bare host is discovered first (registry_for()).
//
// Thread-safe: the plural forms call the singular ones from worker threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "client/cache.h"
#include "client/config.h"
#include "client/oci_client.h"
#include "client/progress.h"
#include "client/registry_client.h"
#include "common/api/package_document.h"
#include "common/digest.h"
#include "common/package_name.h"
#include "common/package_ref.h"
#include "common/result.h"

namespace wreg::client {

class LogVerifier;

struct FetcherOptions {
  bool offline = false;
  std::size_t parallelism = 4;
  // Applied to every RegistryClient made (registry and token are filled in per registry).
  RegistryClientOptions client_template;
  // --verbose: told one line for each look in the cache (`cache hit ...`, `cache miss ...`).
  // Called from several threads at once when fetching in parallel; unset, nothing is told.
  std::function<void(const std::string&)> log;
};

struct BlobRequest {
  std::string registry;
  Digest digest;
  PackageVersion release;  // whose bytes these are; also the label of progress and messages
  std::uint64_t size = 0;  // what the package document lists, the most bytes accepted; 0: unknown
};

class Fetcher {
 public:
  // The most documents one batch of fetch_in_batches() asks for, prefetched ones included.
  static constexpr std::size_t kPrefetchLimit = 64;

  // `config`, `cache` and `progress` must outlive the Fetcher; `progress` may be null.
  Fetcher(const Config& config, const Cache& cache, FetcherOptions options, Progress* progress);
  ~Fetcher();

  const Config& config() const { return config_; }

  // The client for `registry` (a normalized wreg URL). kInvalidArgument for a bad URL, or for an
  // OCI registry, which has no wreg API (publish, yank, search, whoami).
  Result<RegistryClient*> client(const std::string& registry);
  // The client for `registry` (a normalized oci:// or oci+http:// URL).
  Result<OciClient*> oci_client(const std::string& registry);

  // The registry that serves `name` (Config::registry_for()); a bare host is looked up through
  // wkg's discovery document, https://HOST/.well-known/wasm-pkg/registry.json, in either shape
  // wkg reads ({"preferredProtocol":"oci","oci":{"registry","namespacePrefix"}} or the older
  // {"ociRegistry","ociNamespacePrefix"}; a "wreg" member means wreg's own API on that host). The
  // answer is cached for kDiscoveryTtl (offline, for as long as it is cached). kUnavailable,
  // saying what failed and how to name the registry instead, when it cannot be discovered: never
  // a guess.
  Result<std::string> registry_for(const PackageName& name);
  static constexpr std::chrono::seconds kDiscoveryTtl{3600};

  // The document of `name` from its registry. kNotFound (with "did you mean" suggestions from
  // the registry's list when there are close names) when the registry has no such package;
  // kUnavailable when it cannot be reached or, offline, when it is not cached; kCorrupt for a
  // document that does not read, or one of whose releases lists more dependencies than a WIT
  // package may have (wasm::kMaxDependencies, as the registry's reader refuses past it).
  Result<api::PackageDocument> document(const PackageName& name);
  // document() of each of `names`, answers in the same order; only the first kNotFound carries
  // suggestions (each costs requests).
  std::vector<Result<api::PackageDocument>> documents(const std::vector<PackageName>& names);

  // Reads each release (unread in its document) from its OCI registry, in parallel: its manifest
  // and its bytes, verified like blob()'s, give the summary the resolver needs. The documents of
  // this command and the cache learn it. Answers in the same order; kNotFound when the tag is
  // gone, kCorrupt for a manifest or bytes that are not that release.
  std::vector<Result<api::ReleaseSummary>> read_releases(const std::vector<PackageVersion>& ids);

  // One release in full (`wreg info`): a wreg registry's release document; for an OCI registry
  // the same document made from the release's verified bytes, as the registry would record them.
  Result<api::ReleaseDocument> release_document(const PackageVersion& id);

  // The WIT text of one release (`wreg info --wit`), as listing() of common/wit/wit_text.h lays it
  // out: a wreg registry's GET .../wit; for an OCI registry, printed here from the release's
  // verified bytes. Not escaped: escape it before showing it. kNotFound for a missing release;
  // kInvalidArgument for a binary that cannot be shown as WIT.
  Result<std::string> release_wit(const PackageVersion& id);

  // The verified bytes of `request.digest`. kCorrupt when the registry sent other bytes, or
  // bytes that are not `request.release`: a WIT package must name that package (and that
  // version, when it encodes one), and a core module or an unreadable binary is no release. The
  // check is made on cached bytes too (the cache is by digest, and a lying registry can name any
  // digest), and before the bytes are cached, so nothing is written of a refused blob.
  Result<std::string> blob(const BlobRequest& request);
  std::vector<Result<std::string>> blobs(const std::vector<BlobRequest>& requests);

  // The size the document of `name`, as this command fetched it, lists for `version`; 0 when
  // this command has not fetched that document or it has no such version.
  std::uint64_t listed_size(const PackageName& name, const Version& version) const;

  // Requests sent to registries so far, over all clients.
  std::uint64_t requests_made() const;

  bool offline() const { return options_.offline; }

  // The verifier of registries' transparency logs for this command (client/log_verifier.h), which
  // the project's commands check what they lock with; null when none was set (library tests), and
  // then nothing is checked. Not owned.
  void set_log_verifier(LogVerifier* verifier) { log_verifier_ = verifier; }
  LogVerifier* log_verifier() const { return log_verifier_; }

 private:
  struct CachedCopy {
    std::string etag;
    api::PackageDocument document;
  };
  // The cached document of `name`, parsed; nullopt when absent or unreadable.
  std::optional<CachedCopy> cached_copy(const std::string& registry, const PackageName& name) const;
  Result<api::PackageDocument> fetch_document(const PackageName& name);
  // The document that `answer` (to a request made with `cached`'s ETag, if any) stands for; a
  // new one is cached.
  Result<api::PackageDocument> document_from_answer(const std::string& registry,
                                                    const PackageName& name,
                                                    std::optional<CachedCopy> cached,
                                                    Result<DocumentAnswer> answer);
  // document() without suggestions: from memory, else fetched and remembered.
  Result<api::PackageDocument> remembered_document(const PackageName& name);
  // Whether this command has the document of `name` already.
  bool fetched(const PackageName& name) const;
  // documents()'s first step: every slot still empty is asked for in one pipelined batch per
  // registry (RegistryClient::get_package_documents), a cached copy revalidated by its ETag,
  // together with the cached copies of what those depend on, transitively (up to
  // kPrefetchLimit requests), which are kept for the resolver's next question. Each cached
  // copy is read and parsed here once, whether the registry answers 304 or a new document.
  // Slots it cannot fill stay empty.
  void fetch_in_batches(const std::vector<PackageName>& names,
                        std::vector<std::optional<Result<api::PackageDocument>>>& slots);
  // The options of every client made: the template with the config's CA file and stall timeout,
  // and a pool as wide as `parallelism`.
  transport::TransportOptions transport_options() const;
  // Tells options_.log whether the cache held `request`'s blob.
  void log_blob_look(const BlobRequest& request, bool hit) const;
  // document() of a package in an OCI registry, online: its tags, with what `cached` (the cache's
  // copy) has read of them.
  Result<api::PackageDocument> oci_document(const std::string& registry, const PackageName& name,
                                            std::optional<CachedCopy> cached);
  Result<api::ReleaseSummary> read_release(const PackageVersion& id);
  // A release of the OCI registry `registry`: its summary (read first when unread) and its
  // verified bytes (blob()).
  struct OciRelease {
    api::ReleaseSummary summary;
    std::string bytes;
  };
  Result<OciRelease> oci_release(const std::string& registry, const PackageVersion& id);
  // What is known of release `id` where it lives: a wreg registry's answer, `ask(client)`; for an
  // OCI registry, `read(registry, summary, bytes)` of the release's summary and verified bytes.
  template <typename T, typename Ask, typename Read>
  Result<T> about_release(const PackageVersion& id, Ask ask, Read read);
  // Stores the read releases of `name`'s document in the cache, for oci_document().
  void cache_read_releases(const std::string& registry, const PackageName& name);
  Result<std::string> discover(const std::string& host);
  // blob() past the cache: downloads, verifies and caches the bytes.
  Result<std::string> download_blob(const BlobRequest& request);
  // `bytes` (of the cache or the registry, digest already checked) when they read as
  // `request.release`; else kCorrupt naming what they are.
  static Result<std::string> as_release(const BlobRequest& request, Result<std::string> bytes);
  std::string suggestions_for(const PackageName& name);

  const Config& config_;
  const Cache& cache_;
  FetcherOptions options_;
  Progress* progress_;

  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<RegistryClient>> clients_;  // guarded by mutex_
  std::map<std::string, std::unique_ptr<OciClient>> oci_clients_;   // guarded by mutex_
  std::map<std::string, std::string> discovered_;                   // host -> URL; mutex_
  std::map<PackageName, api::PackageDocument> documents_;           // guarded by mutex_
  LogVerifier* log_verifier_ = nullptr;
};

// The newest version in `document` that `requirement` allows (nullopt: any) and that is not
// yanked; an exact requirement (`=1.2.3`) may name a yanked version. Null when none.
const api::ReleaseSummary* pick_release(const api::PackageDocument& document,
                                        const std::optional<VersionReq>& requirement);

}  // namespace wreg::client
