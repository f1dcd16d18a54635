// Mirrors: namespaces whose packages come from an upstream registry, kept here so that builds
// never depend on the upstream being up or unchanged (`wreg-server serve --upstream NS=URL`,
// repeatable, or `[upstreams]` `NS = "URL"` in the settings file).
//
// The upstream is an OCI registry (`oci://HOST/PREFIX`, `oci+http://…`, read as wreg's CLI reads
// one: client/oci_client.h, anonymously or with the token of WKG_REGISTRY_<HOST>_AUTH_BEARER in
// the server's environment) or a wreg registry (`http(s)://…`, anonymously). What it sends is
// untrusted: every release is fetched, verified against the digest its manifest or document names,
// read with the same reader and rules as a publish (server/api/release_reader.h), and only then
// stored as a release like any other, its origin recorded (schema/0003_origin.sql).
//
// When reads happen:
//   - a read of a mirrored package (its document, a release, its OCI tag list or a manifest)
//     refreshes it when its last refresh is older than the refresh interval (kRefreshInterval,
//     or `--upstream-refresh`): the upstream's versions are listed, every one not held is
//     imported, and every held one is checked against what the upstream names. A held
//     version's bytes are never fetched again;
//   - when the upstream cannot be reached or answers nonsense, what is held is served as it is,
//     and the answer says so in the `Wreg-Upstream` header (refresh()'s line); a package of which
//     nothing is held is then an error naming the upstream and what failed;
//   - a version the upstream shows with other bytes than the held release is refused: the
//     mirror keeps its copy, logs it and counts it (`wreg_mirror_conflicts_total`): this is the
//     moment a team learns its upstream rewrote a release.
// Nobody publishes into a mirrored namespace (publish and OCI push answer 403); its releases
// are kept by gc like every release. `wreg-server mirror sync` imports ahead of time.
//
// Thread-safe: handlers call it from many threads; a package is refreshed by one at a time.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/package_name.h"
#include "common/package_ref.h"
#include "common/result.h"
#include "common/version_req.h"
#include "server/store/blob_store.h"
#include "server/store/metadata_store.h"

namespace wreg::mirror {

// One `--upstream NS=URL`.
struct UpstreamSpec {
  std::string space;  // the namespace mirrored
  std::string url;    // the normalized registry URL
};

// Parses `NS=URL`. kInvalidArgument naming what is wrong: NS must be a namespace label, URL an
// http(s)://, oci:// or oci+http:// registry URL (a bare host is not discovered on a server).
Result<UpstreamSpec> parse_upstream(std::string_view text);

struct MirrorCounters {
  std::atomic<std::uint64_t> imports{0};            // releases fetched and stored
  std::atomic<std::uint64_t> conflicts{0};          // upstream bytes refused for a held version
  std::atomic<std::uint64_t> upstream_failures{0};  // refreshes and imports the upstream failed
};

enum class ImportStatus { kImported, kAlreadyHeld, kConflict };

class Mirrors {
 public:
  // How long a package's tag list is trusted before a read lists it again (`--upstream-refresh`).
  static constexpr std::chrono::seconds kRefreshInterval{60};

  // `metadata` and `blobs` must outlive it. Creates each mirrored namespace that does not exist
  // yet. `log` gets one line per import, conflict and failure (empty: none). Makes no connection
  // yet. kInvalidArgument for two specs of one namespace.
  static Result<std::unique_ptr<Mirrors>> create(
      store::MetadataStore& metadata, store::BlobStore& blobs, std::vector<UpstreamSpec> upstreams,
      std::chrono::milliseconds refresh_interval = kRefreshInterval,
      std::function<void(std::string_view)> log = {});
  ~Mirrors();
  Mirrors(const Mirrors&) = delete;
  Mirrors& operator=(const Mirrors&) = delete;

  bool empty() const;
  // The upstream URL of `space`, or null when it is not mirrored.
  const std::string* upstream_of(const std::string& space) const;

  // Refreshes `name` if it is mirrored and due (see the header comment). "" when the upstream
  // answered (or the package is not mirrored, or not due); else the one line of why it did not,
  // for the Wreg-Upstream header and, when nothing is held, the error.
  std::string refresh(const PackageName& name);
  // The same, now, whatever the interval (mirror sync): every version matching `versions`
  // (nullopt: all) that is not held is imported. The failures, one line each.
  std::vector<std::string> sync(const PackageName& name, const std::optional<VersionReq>& versions);
  // The packages of a mirrored namespace that the upstream lists (an OCI registry's catalog, a
  // wreg registry's search), for `mirror sync NS` without names.
  Result<std::vector<PackageName>> upstream_packages(const std::string& space);

  // Fetches, verifies and stores one version.
  Result<ImportStatus> import(const PackageVersion& id);

  const MirrorCounters& counters() const;

 private:
  struct Impl;
  explicit Mirrors(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace wreg::mirror
