#include "server/mirror/mirror.h"

#include <set>

#include "client/config.h"
#include "client/oci_client.h"
#include "client/registry_client.h"
#include "common/api/package_document.h"
#include "common/text.h"
#include "server/api/release_reader.h"
#include "server/store/blob_claim.h"

namespace wreg::mirror {
namespace {

using Clock = std::chrono::steady_clock;

// The most bytes one mirrored release may have (the reader refuses larger packages anyway).
constexpr std::uint64_t kMaxReleaseBytes = 256ull << 20;

// One upstream version: its digest and size when the listing gives them (a wreg document does;
// an OCI tag list does not, its manifest does).
struct Listed {
  Version version;
  std::optional<Digest> digest;
  std::uint64_t size = 0;
};

// A read waits for its upstream at most about this long before it is served what is held: a
// short connect, one retry.
void set_upstream_limits(client::transport::TransportOptions& options) {
  options.connect_timeout = std::chrono::seconds(5);
  options.io_timeout = std::chrono::seconds(30);
  options.stall_timeout = std::chrono::seconds(10);
  options.max_attempts = 2;
}

// The registry one namespace is mirrored from, through the CLI's own clients.
class Upstream {
 public:
  static Result<std::unique_ptr<Upstream>> create(const std::string& url) {
    auto upstream = std::unique_ptr<Upstream>(new Upstream(url));
    if (client::protocol_of(url) == client::RegistryProtocol::kOci) {
      client::OciClientOptions options;
      options.registry = url;
      set_upstream_limits(options);
      // A private upstream: the token wkg's variable gives for its host, sent as a Bearer token
      // (anonymous otherwise, through the registry's token challenge).
      const auto tokens = client::wkg_bearer_tokens_from_environment();
      if (auto it = tokens.find(client::wkg_host_key(client::registry_host(url)));
          it != tokens.end()) {
        options.credential = client::Credential{it->second, {}};
      }
      auto made = client::OciClient::create(std::move(options));
      if (!made) return std::move(made).error();
      upstream->oci_ = std::move(*made);
    } else {
      client::RegistryClientOptions options;
      options.registry = url;
      set_upstream_limits(options);
      auto made = client::RegistryClient::create(std::move(options));
      if (!made) return std::move(made).error();
      upstream->wreg_ = std::move(*made);
    }
    return upstream;
  }

  const std::string& url() const { return url_; }

  // Set when the upstream could not be reached: until then, reads are served what is held
  // without asking it again, so that a dead upstream costs one wait per refresh interval, not
  // one per package. Guarded by Impl::mutex.
  std::optional<Clock::time_point> down_until;
  std::string down_because;

  Result<std::vector<Listed>> list(const PackageName& name) {
    std::vector<Listed> listed;
    if (oci_) {
      auto versions = oci_->versions(name);
      if (!versions) return std::move(versions).error();
      for (auto& version : *versions) listed.push_back({std::move(version), std::nullopt, 0});
      return listed;
    }
    auto answer = wreg_->get_package_document(name, "");
    if (!answer) return std::move(answer).error();
    auto document = api::parse_package_document(answer->body);
    if (!document || document->name != name) {
      return fail(ErrorCode::kCorrupt,
                  "upstream " + url_ + " sent a bad document for " + name.to_string());
    }
    for (const auto& release : document->versions) {
      listed.push_back({release.version, release.digest, release.size});
    }
    return listed;
  }

  // Where the bytes of `id` are: `listed` when it says, else its manifest.
  Result<Listed> locate(const PackageVersion& id, const std::optional<Listed>& listed) {
    if (listed && listed->digest) return *listed;
    if (oci_) {
      auto release = oci_->release(id);
      if (!release) return std::move(release).error();
      return Listed{id.version, release->layer, release->size};
    }
    auto release = wreg_->get_release(id);
    if (!release) return std::move(release).error();
    return Listed{id.version, release->summary.digest, release->summary.size};
  }

  Result<std::string> bytes(const PackageName& name, const Listed& where) {
    if (where.size > kMaxReleaseBytes) {
      return fail(ErrorCode::kTooLarge, "upstream " + url_ + " lists " + name.to_string() + "@" +
                                            where.version.to_string() + " at " +
                                            std::to_string(where.size) + " bytes, past the " +
                                            std::to_string(kMaxReleaseBytes) + " a mirror takes");
    }
    if (oci_) return oci_->layer(name, *where.digest, where.size);
    return wreg_->get_blob(*where.digest, {}, where.size);
  }

  // The packages of `space` the upstream lists.
  Result<std::vector<PackageName>> packages(const std::string& space) {
    if (oci_) return oci_->packages(space);
    std::vector<PackageName> names;
    client::SearchParams params;
    params.text = space + ":";
    params.limit = 100;
    for (int page = 0; page < 100; ++page) {
      auto found = wreg_->search(params);
      if (!found) return std::move(found).error();
      for (const auto& package : found->packages) {
        if (package.name.space() == space) names.push_back(package.name);
      }
      if (!found->next_cursor || found->next_cursor->empty()) return names;
      params.cursor = *found->next_cursor;
    }
    return names;
  }

 private:
  explicit Upstream(std::string url) : url_(std::move(url)) {}

  std::string url_;
  std::unique_ptr<client::OciClient> oci_;
  std::unique_ptr<client::RegistryClient> wreg_;
};

// What a refresh of one package left behind.
struct PackageState {
  std::mutex refreshing;                       // one refresh of this package at a time
  std::optional<Clock::time_point> refreshed;  // guarded by `refreshing`
  std::string failure;                         // guarded by `refreshing`
};

}  // namespace

Result<UpstreamSpec> parse_upstream(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return fail(ErrorCode::kInvalidArgument, "--upstream " + wreg::quoted(text) + ": " + why +
                                                 " (write NS=URL, e.g. "
                                                 "wasi=oci://ghcr.io/webassembly)");
  };
  auto equals = text.find('=');
  if (equals == std::string_view::npos) return bad("it has no '='");
  auto space = PackageName::parse(std::string(text.substr(0, equals)) + ":x");
  if (!space) return bad("the namespace is not a kebab-case label");
  auto url = client::normalize_registry_url(text.substr(equals + 1));
  if (!url) return bad(url.error().message);
  if (client::protocol_of(*url) == client::RegistryProtocol::kDiscovered) {
    return bad("a server does not discover registries; name the OCI or wreg registry's URL");
  }
  return UpstreamSpec{space->space(), *url};
}

struct Mirrors::Impl {
  store::MetadataStore& metadata;
  store::BlobStore& blobs;
  std::function<void(std::string_view)> log;
  std::map<std::string, std::unique_ptr<Upstream>> upstreams;  // by namespace; fixed after create
  MirrorCounters counters;
  std::chrono::milliseconds refresh_interval{Mirrors::kRefreshInterval};

  std::mutex mutex;
  std::map<PackageName, std::unique_ptr<PackageState>> packages;  // guarded by `mutex`
  std::set<std::string> conflicts_seen;                           // "id digest", guarded by `mutex`

  Impl(store::MetadataStore& m, store::BlobStore& b, std::function<void(std::string_view)> l)
      : metadata(m), blobs(b), log(std::move(l)) {}

  void note(const std::string& line) {
    if (log) log("mirror: " + line);
  }

  PackageState& state_of(const PackageName& name) {
    std::lock_guard lock(mutex);
    auto& slot = packages[name];
    if (!slot) slot = std::make_unique<PackageState>();
    return *slot;
  }

  // A held release that the upstream shows with other bytes: kept, logged and counted once.
  void conflict(const PackageVersion& id, const Digest& held, const Digest& upstream_digest,
                const std::string& url) {
    {
      std::lock_guard lock(mutex);
      if (!conflicts_seen.insert(id.to_string() + " " + upstream_digest.to_string()).second) {
        return;
      }
    }
    counters.conflicts.fetch_add(1);
    note("upstream " + url + " now shows " + id.to_string() + " as " + upstream_digest.to_string() +
         ", but this registry holds " + held.to_string() +
         "; the held release is kept (versions are immutable): the upstream rewrote a release");
  }

  Result<ImportStatus> import(Upstream& upstream, const PackageVersion& id,
                              const std::optional<Listed>& listed) {
    auto held = metadata.release(id);
    if (!held && held.error().code != ErrorCode::kNotFound) return std::move(held).error();
    auto where = upstream.locate(id, listed);
    if (!where) return std::move(where).error();
    if (held) {
      if (held->summary.digest == *where->digest) return ImportStatus::kAlreadyHeld;
      conflict(id, held->summary.digest, *where->digest, upstream.url());
      return ImportStatus::kConflict;
    }
    auto bytes = upstream.bytes(id.name, *where);
    if (!bytes) return std::move(bytes).error();
    const Digest actual = Digest::of(std::string_view(*bytes));
    if (!(actual == *where->digest)) {
      return fail(ErrorCode::kCorrupt, "upstream " + upstream.url() + " sent " +
                                           actual.to_string() + " for " + id.to_string() +
                                           ", which should be " + where->digest->to_string() +
                                           "; nothing was stored");
    }
    const auto* data = reinterpret_cast<const std::uint8_t*>(bytes->data());
    auto release =
        api::read_release({data, bytes->size()}, id, "the upstream's bytes", "the upstream's tag");
    if (!release) {
      return fail(ErrorCode::kCorrupt, "upstream " + upstream.url() + " holds " + id.to_string() +
                                           " as bytes that are no release of it: " +
                                           release.error().message + "; nothing was stored");
    }
    auto writer = blobs.begin(bytes->size());
    if (!writer) return std::move(writer).error();
    if (auto written = (*writer)->write({data, bytes->size()}); !written) {
      return std::move(written).error();
    }
    // Claimed until the release names it, against gc on any replica (store/blob_claim.h).
    auto claim = store::BlobClaim::take(metadata, Digest::of(*bytes));
    if (!claim) return std::move(claim).error();
    auto blob = (*writer)->commit();
    if (!blob) return std::move(blob).error();
    store::NewRelease record = api::new_release(*release, *blob);
    record.origin = upstream.url();
    auto outcome = metadata.publish(record, std::nullopt, claim->id());
    if (outcome && outcome->status == store::PublishStatus::kCreated) claim->settled();
    if (!outcome) {
      if (outcome.error().code != ErrorCode::kConflict) return std::move(outcome).error();
      // Another request imported other bytes for it first (the upstream changed between).
      auto now_held = metadata.release(id);
      if (now_held) conflict(id, now_held->summary.digest, *where->digest, upstream.url());
      return ImportStatus::kConflict;
    }
    if (outcome->status == store::PublishStatus::kAlreadyPresent) return ImportStatus::kAlreadyHeld;
    counters.imports.fetch_add(1);
    note("imported " + id.to_string() + " " + where->digest->to_string() + " from " +
         upstream.url());
    return ImportStatus::kImported;
  }

  // Lists `name` upstream, checks the held versions against it and imports the rest that match
  // `versions`. The failures, one line each (the first is the listing's, when it failed).
  std::vector<std::string> bring_up_to_date(Upstream& upstream, const PackageName& name,
                                            const std::optional<VersionReq>& versions) {
    std::vector<std::string> failures;
    auto listed = upstream.list(name);
    // A package the upstream does not have is not a failure: the read finds nothing, a 404.
    if (!listed && listed.error().code == ErrorCode::kNotFound) return failures;
    if (!listed) {
      counters.upstream_failures.fetch_add(1);
      failures.push_back(listed.error().message);
      if (listed.error().code == ErrorCode::kUnavailable) {
        std::lock_guard lock(mutex);
        upstream.down_until = Clock::now() + refresh_interval;
        upstream.down_because = without_controls(listed.error().message);
        note("upstream " + upstream.url() + " is unavailable (" + upstream.down_because +
             "); serving what is held");
      }
      return failures;
    }
    for (const auto& entry : *listed) {
      if (versions && !versions->matches(entry.version)) continue;
      const PackageVersion id{name, entry.version};
      auto imported = import(upstream, id, entry);
      if (!imported) {
        counters.upstream_failures.fetch_add(1);
        note("cannot import " + id.to_string() + ": " + imported.error().message);
        failures.push_back(imported.error().message);
      }
    }
    return failures;
  }
};

Result<std::unique_ptr<Mirrors>> Mirrors::create(store::MetadataStore& metadata,
                                                 store::BlobStore& blobs,
                                                 std::vector<UpstreamSpec> upstreams,
                                                 std::chrono::milliseconds refresh_interval,
                                                 std::function<void(std::string_view)> log) {
  auto impl = std::make_unique<Impl>(metadata, blobs, std::move(log));
  impl->refresh_interval = refresh_interval;
  for (auto& spec : upstreams) {
    if (impl->upstreams.count(spec.space)) {
      return fail(ErrorCode::kInvalidArgument,
                  "--upstream names namespace " + spec.space + " twice; give each one upstream");
    }
    auto upstream = Upstream::create(spec.url);
    if (!upstream) return std::move(upstream).error();
    impl->upstreams.emplace(spec.space, std::move(*upstream));
    // A mirrored namespace holds what its upstream has: it exists from the start.
    auto created = metadata.create_namespace(spec.space);
    if (!created && created.error().code != ErrorCode::kAlreadyExists) {
      return std::move(created).error();
    }
  }
  return std::unique_ptr<Mirrors>(new Mirrors(std::move(impl)));
}

Mirrors::Mirrors(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Mirrors::~Mirrors() = default;

bool Mirrors::empty() const { return impl_->upstreams.empty(); }

const std::string* Mirrors::upstream_of(const std::string& space) const {
  auto it = impl_->upstreams.find(space);
  return it == impl_->upstreams.end() ? nullptr : &it->second->url();
}

const MirrorCounters& Mirrors::counters() const { return impl_->counters; }

std::string Mirrors::refresh(const PackageName& name) {
  auto upstream = impl_->upstreams.find(name.space());
  if (upstream == impl_->upstreams.end()) return {};
  PackageState& state = impl_->state_of(name);
  std::lock_guard lock(state.refreshing);
  const auto now = Clock::now();
  if (state.refreshed && now - *state.refreshed < impl_->refresh_interval) return state.failure;
  {
    std::lock_guard down(impl_->mutex);
    Upstream& source = *upstream->second;
    if (source.down_until && now < *source.down_until) {
      state.refreshed = now;
      state.failure = source.down_because;
      return state.failure;
    }
  }
  auto failures = impl_->bring_up_to_date(*upstream->second, name, std::nullopt);
  state.refreshed = now;
  state.failure = failures.empty() ? std::string() : without_controls(failures.front());
  return state.failure;
}

std::vector<std::string> Mirrors::sync(const PackageName& name,
                                       const std::optional<VersionReq>& versions) {
  auto upstream = impl_->upstreams.find(name.space());
  if (upstream == impl_->upstreams.end()) {
    return {"namespace " + name.space() + " is not mirrored; give --upstream " + name.space() +
            "=URL"};
  }
  return impl_->bring_up_to_date(*upstream->second, name, versions);
}

Result<std::vector<PackageName>> Mirrors::upstream_packages(const std::string& space) {
  auto upstream = impl_->upstreams.find(space);
  if (upstream == impl_->upstreams.end()) {
    return fail(ErrorCode::kInvalidArgument,
                "namespace " + space + " is not mirrored; give --upstream " + space + "=URL");
  }
  return upstream->second->packages(space);
}

Result<ImportStatus> Mirrors::import(const PackageVersion& id) {
  auto upstream = impl_->upstreams.find(id.name.space());
  if (upstream == impl_->upstreams.end()) {
    return fail(ErrorCode::kInvalidArgument, "namespace " + id.name.space() + " is not mirrored");
  }
  return impl_->import(*upstream->second, id, std::nullopt);
}

}  // namespace wreg::mirror
