#include "client/fetcher.h"

#include <algorithm>
#include <set>
#include <span>

#include "client/file_io.h"
#include "client/parallel.h"
#include "client/transport/transport.h"
#include "common/release.h"
#include "common/resolve/suggest.h"
#include "common/text.h"
#include "common/wasm/limits.h"
#include "common/wasm/reader.h"
#include "common/wit/wit_text.h"

namespace wreg::client {

namespace {

// What a cache miss is offline, for `what` (a package or a release).
Error offline_miss(const std::string& what) {
  return fail(ErrorCode::kUnavailable, what +
                                           " is not in the cache, and --offline forbids asking "
                                           "the registry; run once without --offline");
}

}  // namespace

const api::ReleaseSummary* pick_release(const api::PackageDocument& document,
                                        const std::optional<VersionReq>& requirement) {
  const api::ReleaseSummary* best = nullptr;
  auto consider = [&](const api::ReleaseSummary& release) {
    if (!best || release.version > best->version) best = &release;
  };
  if (requirement) {
    bool exact = requirement->comparators().size() == 1 &&
                 requirement->comparators()[0].op == Comparator::Op::kExact &&
                 requirement->comparators()[0].minor && requirement->comparators()[0].patch;
    for (const auto& release : document.versions) {
      if ((!release.yanked || exact) && requirement->matches(release.version)) consider(release);
    }
    return best;
  }
  for (const auto& release : document.versions) {
    if (!release.yanked && !release.version.is_prerelease()) consider(release);
  }
  if (best) return best;
  for (const auto& release : document.versions) {
    if (!release.yanked) consider(release);
  }
  return best;
}

Fetcher::Fetcher(const Config& config, const Cache& cache, FetcherOptions options,
                 Progress* progress)
    : config_(config), cache_(cache), options_(std::move(options)), progress_(progress) {}

Fetcher::~Fetcher() = default;

transport::TransportOptions Fetcher::transport_options() const {
  transport::TransportOptions options = options_.client_template;
  options.ca_file = config_.ca_file();
  options.proxy = config_.proxy();
  options.stall_timeout = config_.stall_timeout();
  options.max_connections = std::max<std::size_t>(1, options_.parallelism);
  return options;
}

Result<RegistryClient*> Fetcher::client(const std::string& registry) {
  std::lock_guard lock(mutex_);
  auto it = clients_.find(registry);
  if (it != clients_.end()) return it->second.get();
  RegistryClientOptions client_options;
  static_cast<transport::TransportOptions&>(client_options) = transport_options();
  client_options.registry = registry;
  client_options.token = config_.token_for(registry);
  auto made = RegistryClient::create(std::move(client_options));
  if (!made) return std::move(made).error();
  auto* raw = made->get();
  clients_.emplace(registry, std::move(*made));
  return raw;
}

Result<OciClient*> Fetcher::oci_client(const std::string& registry) {
  std::lock_guard lock(mutex_);
  auto it = oci_clients_.find(registry);
  if (it != oci_clients_.end()) return it->second.get();
  OciClientOptions client_options;
  static_cast<transport::TransportOptions&>(client_options) = transport_options();
  client_options.registry = registry;
  client_options.credential = config_.credential_for(registry);
  auto made = OciClient::create(std::move(client_options));
  if (!made) return std::move(made).error();
  auto* raw = made->get();
  oci_clients_.emplace(registry, std::move(*made));
  return raw;
}

Result<std::string> Fetcher::registry_for(const PackageName& name) {
  const std::string& configured = config_.registry_for(name);
  if (protocol_of(configured) != RegistryProtocol::kDiscovered) return configured;
  {
    std::lock_guard lock(mutex_);
    if (auto it = discovered_.find(configured); it != discovered_.end()) return it->second;
  }
  auto url = discover(configured);
  if (!url) {
    return fail(ErrorCode::kUnavailable,
                "cannot discover the registry of namespace " + name.space() + " at " + configured +
                    ": " + url.error().message + "; name it in config.toml instead ([namespaces] " +
                    name.space() + " = \"oci://HOST/PREFIX\" or \"https://HOST\")");
  }
  std::lock_guard lock(mutex_);
  discovered_[configured] = *url;
  return url;
}

std::uint64_t Fetcher::listed_size(const PackageName& name, const Version& version) const {
  std::lock_guard lock(mutex_);
  auto it = documents_.find(name);
  if (it == documents_.end()) return 0;
  const auto* release = it->second.find(version);
  return release ? release->size : 0;
}

std::uint64_t Fetcher::requests_made() const {
  std::lock_guard lock(mutex_);
  std::uint64_t total = 0;
  for (const auto& [url, client] : clients_) total += client->requests_made();
  for (const auto& [url, client] : oci_clients_) total += client->requests_made();
  return total;
}

bool Fetcher::fetched(const PackageName& name) const {
  std::lock_guard lock(mutex_);
  return documents_.count(name) != 0;
}

Result<api::PackageDocument> Fetcher::document(const PackageName& name) {
  auto document = remembered_document(name);
  if (!document && document.error().code == ErrorCode::kNotFound) {
    return fail(ErrorCode::kNotFound, document.error().message + suggestions_for(name));
  }
  return document;
}

Result<api::PackageDocument> Fetcher::remembered_document(const PackageName& name) {
  {
    std::lock_guard lock(mutex_);
    auto it = documents_.find(name);
    if (it != documents_.end()) return it->second;
  }
  auto answer = fetch_document(name);
  if (!answer) return answer;
  std::lock_guard lock(mutex_);
  documents_.insert_or_assign(name, *answer);
  return answer;
}

std::vector<Result<api::PackageDocument>> Fetcher::documents(
    const std::vector<PackageName>& names) {
  std::vector<std::optional<Result<api::PackageDocument>>> slots(names.size());
  {
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < names.size(); ++i) {
      auto it = documents_.find(names[i]);
      if (it != documents_.end()) slots[i].emplace(it->second);
    }
  }
  if (!options_.offline) fetch_in_batches(names, slots);
  std::vector<std::size_t> rest;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (!slots[i]) rest.push_back(i);
  }
  // Offline nothing is downloaded: the cache answers on this thread.
  parallel_for(rest.size(), options_.offline ? 1 : options_.parallelism,
               [&](std::size_t k) { slots[rest[k]].emplace(remembered_document(names[rest[k]])); });
  std::vector<Result<api::PackageDocument>> results;
  results.reserve(names.size());
  bool suggested = false;
  for (std::size_t i = 0; i < names.size(); ++i) {
    results.push_back(std::move(*slots[i]));
    // Each "did you mean" costs requests: only the first missing package gets one.
    if (!suggested && !results.back() && results.back().error().code == ErrorCode::kNotFound) {
      suggested = true;
      results.back() =
          fail(ErrorCode::kNotFound, results.back().error().message + suggestions_for(names[i]));
    }
  }
  return results;
}

std::optional<Fetcher::CachedCopy> Fetcher::cached_copy(const std::string& registry,
                                                        const PackageName& name) const {
  auto cached = cache_.document(registry, name);
  if (options_.log) {
    options_.log(std::string(cached ? "cache hit" : "cache miss") + ": document of " +
                 name.to_string() + " from " + registry);
  }
  if (!cached) return std::nullopt;
  auto parsed = api::parse_package_document(cached->json);
  if (!parsed || parsed->name != name) return std::nullopt;
  return CachedCopy{std::move(cached->etag), std::move(*parsed)};
}

Result<api::PackageDocument> Fetcher::fetch_document(const PackageName& name) {
  auto registry_or = registry_for(name);
  if (!registry_or) return std::move(registry_or).error();
  const std::string& registry = *registry_or;
  auto cached = cached_copy(registry, name);
  if (options_.offline) {
    if (cached) return std::move(cached->document);
    return offline_miss(name.to_string());
  }
  if (protocol_of(registry) == RegistryProtocol::kOci) {
    return oci_document(registry, name, std::move(cached));
  }
  auto client_or = client(registry);
  if (!client_or) return std::move(client_or).error();
  auto answer = (*client_or)->get_package_document(name, cached ? cached->etag : "");
  return document_from_answer(registry, name, std::move(cached), std::move(answer));
}

Result<api::PackageDocument> Fetcher::document_from_answer(const std::string& registry,
                                                           const PackageName& name,
                                                           std::optional<CachedCopy> cached,
                                                           Result<DocumentAnswer> answer) {
  if (!answer) {
    if (answer.error().code == ErrorCode::kNotFound) {
      return fail(ErrorCode::kNotFound,
                  "the registry " + registry + " has no package " + name.to_string());
    }
    return std::move(answer).error();
  }
  if (answer->not_modified) {
    if (cached) return std::move(cached->document);
    return fail(ErrorCode::kInternal, "registry " + registry + " answered 304 for " +
                                          name.to_string() + " without a cached copy");
  }
  auto parsed = api::parse_package_document(answer->body);
  if (!parsed) {
    return fail(ErrorCode::kCorrupt, "registry " + registry + " sent a bad document for " +
                                         name.to_string() + ": " + parsed.error().message);
  }
  if (parsed->name != name) {
    return fail(ErrorCode::kCorrupt, "registry " + registry + " sent the document of " +
                                         parsed->name.to_string() + " when asked for " +
                                         name.to_string());
  }
  for (const auto& release : parsed->versions) {
    if (release.dependencies.size() <= wasm::kMaxDependencies) continue;
    return fail(ErrorCode::kCorrupt,
                "registry " + registry + " sent the document of " + name.to_string() + ": " +
                    wasm::past_limit("the number of dependencies of its release " +
                                         release.version.to_string() + " (" +
                                         std::to_string(release.dependencies.size()) + ")",
                                     wasm::kMaxDependencies) +
                    "; nothing was changed");
  }
  if (!answer->etag.empty() && answer->etag.find('\n') == std::string::npos) {
    // A cache that cannot be written only costs a full download next time.
    (void)cache_.store_document(registry, name, CachedDocument{answer->etag, answer->body});
  }
  return std::move(*parsed);
}

void Fetcher::fetch_in_batches(const std::vector<PackageName>& names,
                               std::vector<std::optional<Result<api::PackageDocument>>>& slots) {
  // One batch per wreg registry; the names of other registries wait for their own turn. OCI
  // registries have no documents to batch: their slots are left to document().
  std::vector<std::string> registry_of(names.size());
  std::set<std::string> registries;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (slots[i]) continue;
    auto registry = registry_for(names[i]);
    if (!registry || protocol_of(*registry) != RegistryProtocol::kWreg) continue;
    registry_of[i] = *registry;
    registries.insert(*registry);
  }
  for (const auto& registry : registries) {
    std::vector<std::size_t> slot_of;  // for each request that answers a slot, which one
    std::vector<DocumentRequest> requests;
    std::vector<std::optional<CachedCopy>> copies;
    std::set<PackageName> queued;
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (slots[i] || registry_of[i] != registry) continue;
      if (!queued.insert(names[i]).second) continue;
      // A package not cached yet is asked for in the same batch, without an ETag: a level of
      // the resolution costs one round trip, however many packages it names.
      auto copy = cached_copy(registry, names[i]);
      slot_of.push_back(i);
      requests.push_back({names[i], copy ? copy->etag : std::string()});
      copies.push_back(std::move(copy));
    }
    if (requests.empty()) continue;
    const std::size_t asked = requests.size();
    // What the cached copies depend on, and so on down (breadth first), that this command has
    // not fetched yet: the resolver will ask for it next, and asking now saves a round trip
    // each level down (a warm `wreg add wasi:http` went from 3 rounds to 1).
    for (std::size_t next = 0; next < copies.size() && requests.size() < kPrefetchLimit; ++next) {
      if (!copies[next]) continue;
      for (const auto& release : copies[next]->document.versions) {
        for (const auto& dependency : release.dependencies) {
          if (requests.size() >= kPrefetchLimit) break;
          if (config_.registry_for(dependency.name) != registry || fetched(dependency.name) ||
              !queued.insert(dependency.name).second) {
            continue;
          }
          auto copy = cached_copy(registry, dependency.name);
          if (!copy) continue;
          requests.push_back({dependency.name, copy->etag});
          copies.push_back(std::move(copy));
        }
      }
    }
    // A batch of one goes out as a plain request, with its retries (get_package_documents);
    // the cached copy read above is the one its answer is checked against.
    auto client_or = client(registry);
    if (!client_or) continue;
    auto answers = (*client_or)->get_package_documents(requests);
    for (std::size_t k = 0; k < requests.size(); ++k) {
      // A prefetched document that failed is left to the resolver's own request, if it makes
      // one; its error (and its "did you mean", which costs requests) comes from there.
      if (k >= asked && !answers[k]) continue;
      auto document = document_from_answer(registry, requests[k].name, std::move(copies[k]),
                                           std::move(answers[k]));
      if (document) {
        std::lock_guard lock(mutex_);
        documents_.insert_or_assign(requests[k].name, *document);
      }
      if (k < asked) slots[slot_of[k]].emplace(std::move(document));
    }
  }
}

std::string Fetcher::suggestions_for(const PackageName& name) {
  auto registry = registry_for(name);
  if (!registry || protocol_of(*registry) != RegistryProtocol::kWreg) return "";
  auto client_or = client(*registry);
  if (!client_or) return "";
  std::vector<std::string> candidates;
  for (const std::string& text : {name.space(), std::string()}) {
    SearchParams params;
    params.text = text;
    params.limit = 100;
    auto page = (*client_or)->search(params);
    if (!page) continue;
    for (const auto& package : page->packages) candidates.push_back(package.name.to_string());
  }
  auto suggestion = resolve::suggest(name.to_string(), candidates);
  if (suggestion.empty()) return "; check the name with `wreg search`";
  return "; " + suggestion;
}

void Fetcher::log_blob_look(const BlobRequest& request, bool hit) const {
  if (!options_.log) return;
  options_.log(std::string(hit ? "cache hit" : "cache miss") + ": " + request.digest.to_string() +
               " (" + request.release.to_string() + ")");
}

Result<std::string> Fetcher::blob(const BlobRequest& request) {
  auto cached = cache_.blob(request.digest);
  log_blob_look(request, cached.has_value());
  if (cached) return as_release(request, std::move(*cached));
  return download_blob(request);
}

Result<std::string> Fetcher::as_release(const BlobRequest& request, Result<std::string> bytes) {
  if (!bytes) return bytes;
  const std::string what =
      " as " + request.release.to_string() + " (" + request.digest.to_string() + ")";
  const auto* data = reinterpret_cast<const std::uint8_t*>(bytes->data());
  auto info = wasm::read_component({data, bytes->size()});
  if (!info) {
    return fail(ErrorCode::kCorrupt, "registry " + request.registry +
                                         " sent a binary that does not read" + what + ": " +
                                         info.error().message + "; nothing was written");
  }
  auto identity = identity_of(*info, ClaimedIdentity{request.release, "the registry"});
  if (!identity) {
    std::string sent = info->package ? "the WIT package " + info->package->to_string()
                                     : std::string("a ") + wasm::to_string(info->kind);
    return fail(ErrorCode::kCorrupt,
                "registry " + request.registry + " sent " + sent + what + "; nothing was written");
  }
  return bytes;
}

Result<std::string> Fetcher::download_blob(const BlobRequest& request) {
  if (options_.offline) {
    return fail(ErrorCode::kUnavailable, request.release.to_string() + " (" +
                                             request.digest.to_string() +
                                             ") is not in the cache, and --offline forbids "
                                             "downloading it; run once without --offline");
  }
  TransferProgress progress =
      progress_ ? progress_->transfer(request.release.to_string()) : TransferProgress{};
  Result<std::string> bytes = fail(ErrorCode::kInternal, "no registry asked");
  if (protocol_of(request.registry) == RegistryProtocol::kOci) {
    auto client_or = oci_client(request.registry);
    if (!client_or) return std::move(client_or).error();
    bytes = (*client_or)->layer(request.release.name, request.digest, request.size, progress);
  } else {
    auto client_or = client(request.registry);
    if (!client_or) return std::move(client_or).error();
    bytes = (*client_or)->get_blob(request.digest, progress, request.size);
  }
  if (!bytes) {
    auto error = std::move(bytes).error();
    if (error.code == ErrorCode::kNotFound) {
      error.message = "registry " + request.registry + " has no blob " +
                      request.digest.to_string() + " for " + request.release.to_string();
    } else if (error.code == ErrorCode::kTooLarge && request.size != 0) {
      error.code = ErrorCode::kCorrupt;
      error.message = "registry " + request.registry + " sent more than the " +
                      std::to_string(request.size) + " bytes its package document lists for " +
                      request.release.to_string() + " (" + request.digest.to_string() +
                      "); nothing was written";
    }
    return error;
  }
  auto actual = Digest::of(std::string_view(*bytes));
  if (!(actual == request.digest)) {
    return fail(ErrorCode::kCorrupt, "registry " + request.registry + " sent " +
                                         actual.to_string() + " for " +
                                         request.release.to_string() + ", which should be " +
                                         request.digest.to_string() + "; nothing was written");
  }
  auto release = as_release(request, std::move(bytes));
  if (release) (void)cache_.store_blob(request.digest, *release);
  return release;
}

namespace {

// What the document cache holds for an OCI package: its read releases only (ETag unused).
constexpr std::string_view kOciCacheTag = "\"oci-read-releases\"";

}  // namespace

Result<api::PackageDocument> Fetcher::oci_document(const std::string& registry,
                                                   const PackageName& name,
                                                   std::optional<CachedCopy> cached) {
  auto client_or = oci_client(registry);
  if (!client_or) return std::move(client_or).error();
  auto versions = (*client_or)->versions(name);
  if (!versions) return std::move(versions).error();
  api::PackageDocument document{name, {}, {}};
  std::set<Version> seen;
  for (const auto& version : *versions) {
    if (!seen.insert(version).second) continue;
    const api::ReleaseSummary* read = cached ? cached->document.find(version) : nullptr;
    if (read != nullptr) {
      document.versions.push_back(*read);
    } else {
      api::ReleaseSummary unread;
      unread.version = version;
      unread.unread = true;
      document.versions.push_back(std::move(unread));
    }
  }
  std::sort(document.versions.begin(), document.versions.end(),
            [](const auto& a, const auto& b) { return a.version > b.version; });
  return document;
}

Result<api::ReleaseSummary> Fetcher::read_release(const PackageVersion& id) {
  auto registry = registry_for(id.name);
  if (!registry) return std::move(registry).error();
  if (protocol_of(*registry) != RegistryProtocol::kOci) {
    return fail(ErrorCode::kInternal, "wreg asked to read " + id.to_string() + " from " +
                                          *registry +
                                          ", which is not an OCI registry; this is a "
                                          "bug in wreg");
  }
  if (options_.offline) return offline_miss(id.to_string());
  auto client_or = oci_client(*registry);
  if (!client_or) return std::move(client_or).error();
  auto manifest = (*client_or)->release(id);
  if (!manifest) return std::move(manifest).error();
  auto bytes = blob(BlobRequest{*registry, manifest->layer, id, manifest->size});
  if (!bytes) return std::move(bytes).error();
  const auto* data = reinterpret_cast<const std::uint8_t*>(bytes->data());
  auto info = wasm::read_component({data, bytes->size()});
  if (!info) return std::move(info).error();  // blob() read the same bytes without complaint
  auto release = release_of(*info, ClaimedIdentity{id, "the registry"});
  if (!release) {
    return fail(ErrorCode::kCorrupt,
                "registry " + *registry + " holds " + id.to_string() +
                    " as bytes that are no release of it: " + release.error().message);
  }
  api::ReleaseSummary summary;
  summary.version = id.version;
  summary.digest = manifest->layer;
  summary.size = manifest->size;
  summary.kind = release->kind;
  summary.published = without_controls(manifest->created);
  summary.dependencies = std::move(release->dependencies);
  return summary;
}

std::vector<Result<api::ReleaseSummary>> Fetcher::read_releases(
    const std::vector<PackageVersion>& ids) {
  std::vector<std::optional<Result<api::ReleaseSummary>>> slots(ids.size());
  parallel_for(ids.size(), options_.parallelism,
               [&](std::size_t i) { slots[i].emplace(read_release(ids[i])); });
  std::vector<Result<api::ReleaseSummary>> results;
  std::set<PackageName> learned;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    results.push_back(std::move(*slots[i]));
    if (!results.back()) continue;
    std::lock_guard lock(mutex_);
    auto it = documents_.find(ids[i].name);
    if (it == documents_.end()) continue;
    for (auto& release : it->second.versions) {
      if (release.version == ids[i].version) release = *results.back();
    }
    learned.insert(ids[i].name);
  }
  for (const auto& name : learned) {
    if (auto registry = registry_for(name)) cache_read_releases(*registry, name);
  }
  return results;
}

Result<Fetcher::OciRelease> Fetcher::oci_release(const std::string& registry,
                                                 const PackageVersion& id) {
  auto document = remembered_document(id.name);
  if (!document) return std::move(document).error();
  const api::ReleaseSummary* listed = document->find(id.version);
  if (listed == nullptr) {
    return fail(ErrorCode::kNotFound, "the registry " + registry + " has no " + id.to_string());
  }
  api::ReleaseSummary summary = *listed;
  if (summary.unread) {
    auto read = read_releases({id});
    if (!read[0]) return std::move(read[0]).error();
    summary = std::move(*read[0]);
  }
  auto bytes = blob(BlobRequest{registry, summary.digest, id, summary.size});
  if (!bytes) return std::move(bytes).error();
  return OciRelease{std::move(summary), std::move(*bytes)};
}

template <typename T, typename Ask, typename Read>
Result<T> Fetcher::about_release(const PackageVersion& id, Ask ask, Read read) {
  auto registry = registry_for(id.name);
  if (!registry) return std::move(registry).error();
  if (protocol_of(*registry) != RegistryProtocol::kOci) {
    auto client_or = client(*registry);
    if (!client_or) return std::move(client_or).error();
    return ask(**client_or);
  }
  auto release = oci_release(*registry, id);
  if (!release) return std::move(release).error();
  const auto* data = reinterpret_cast<const std::uint8_t*>(release->bytes.data());
  return read(*registry, std::move(release->summary),
              std::span<const std::uint8_t>(data, release->bytes.size()));
}

Result<api::ReleaseDocument> Fetcher::release_document(const PackageVersion& id) {
  return about_release<api::ReleaseDocument>(
      id, [&id](RegistryClient& client) { return client.get_release(id); },
      [&id](const std::string&, api::ReleaseSummary summary,
            std::span<const std::uint8_t> bytes) -> Result<api::ReleaseDocument> {
        auto info = wasm::read_component(bytes);
        if (!info) return std::move(info).error();
        auto release = release_of(*info, ClaimedIdentity{id, "the registry"});
        if (!release) return std::move(release).error();
        api::ReleaseDocument out{id.name, release->description,        std::move(summary), {},
                                 {},      std::move(release->details), std::nullopt};
        for (const auto& name : release->imports) out.import_interfaces.push_back(name.to_string());
        for (const auto& name : release->exports) out.export_interfaces.push_back(name.to_string());
        return out;
      });
}

Result<std::string> Fetcher::release_wit(const PackageVersion& id) {
  return about_release<std::string>(
      id, [&id](RegistryClient& client) { return client.get_wit(id); },
      [&id](const std::string& registry, const api::ReleaseSummary&,
            std::span<const std::uint8_t> bytes) -> Result<std::string> {
        auto text = wit::wit_text(bytes);
        if (!text) {
          return fail(text.error().code, id.to_string() + " from " + registry +
                                             " cannot be shown as WIT: " + text.error().message);
        }
        return wit::listing(*text);
      });
}

void Fetcher::cache_read_releases(const std::string& registry, const PackageName& name) {
  api::PackageDocument read{name, {}, {}};
  {
    std::lock_guard lock(mutex_);
    auto it = documents_.find(name);
    if (it == documents_.end()) return;
    for (const auto& release : it->second.versions) {
      if (!release.unread) read.versions.push_back(release);
    }
  }
  // Releases read by an earlier command whose tags this one did not list stay cached too: the
  // lock may still name them.
  if (auto cached = cached_copy(registry, name)) {
    for (auto& release : cached->document.versions) {
      if (read.find(release.version) == nullptr) read.versions.push_back(std::move(release));
    }
  }
  std::sort(read.versions.begin(), read.versions.end(),
            [](const auto& a, const auto& b) { return a.version > b.version; });
  // A cache that cannot be written only costs reading the releases again.
  (void)cache_.store_document(registry, name,
                              CachedDocument{std::string(kOciCacheTag), api::to_json(read)});
}

Result<std::string> Fetcher::discover(const std::string& host) {
  const auto path = cache_.root() / "discovery" / (host + ".json");
  auto cached = read_file(path);
  std::error_code ec;
  auto age =
      std::filesystem::file_time_type::clock::now() - std::filesystem::last_write_time(path, ec);
  const bool fresh = cached && !ec && age < kDiscoveryTtl;
  std::string body;
  bool fetched_now = false;
  if (cached && (fresh || options_.offline)) {
    body = std::move(*cached);
  } else if (options_.offline) {
    return fail(ErrorCode::kUnavailable,
                "it is not in the cache, and --offline forbids asking; run once without --offline");
  } else {
    auto sender = transport::Transport::create("https://" + host, transport_options());
    if (!sender) return std::move(sender).error();
    transport::Request request{
        boost::beast::http::verb::get,
        "/.well-known/wasm-pkg/registry.json",
        {{"User-Agent", std::string("wreg/") + WREG_VERSION}, {"Accept", "application/json"}},
        {}};
    auto answer = (*sender)->send(request, 64 * 1024);
    if (!answer) return std::move(answer).error();
    if (answer->status != 200) {
      return fail(ErrorCode::kUnavailable,
                  "https://" + host + "/.well-known/wasm-pkg/registry.json answered HTTP " +
                      std::to_string(answer->status));
    }
    body = std::move(answer->body);
    fetched_now = true;
  }
  auto url = registry_from_discovery(host, body);
  if (!url) return url;
  // Only an answer fetched now is stored: rewriting a stale copy read offline would reset its age.
  if (fetched_now) {
    std::filesystem::create_directories(path.parent_path(), ec);
    // A cache that cannot be written only costs asking again next time.
    (void)write_file_atomically(path, body, 0644, Durability::kNoFsync);
  }
  return url;
}

std::vector<Result<std::string>> Fetcher::blobs(const std::vector<BlobRequest>& requests) {
  std::vector<std::optional<Result<std::string>>> slots(requests.size());
  // Cached blobs are read and re-hashed here: a few small files cost less than starting threads.
  // Only the misses go to the registry in parallel.
  std::vector<std::size_t> misses;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    auto cached = cache_.blob(requests[i].digest);
    log_blob_look(requests[i], cached.has_value());
    if (cached) {
      slots[i].emplace(as_release(requests[i], std::move(*cached)));
    } else {
      misses.push_back(i);
    }
  }
  parallel_for(misses.size(), options_.parallelism, [&](std::size_t k) {
    slots[misses[k]].emplace(download_blob(requests[misses[k]]));
  });
  std::vector<Result<std::string>> results;
  results.reserve(requests.size());
  for (auto& slot : slots) results.push_back(std::move(*slot));
  return results;
}

}  // namespace wreg::client
