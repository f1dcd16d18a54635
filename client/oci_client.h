// OciClient: packages in an OCI registry (`oci://HOST[:PORT]/PREFIX`, client/config.h), read
// the way wkg reads them: package ns:name is repository PREFIX/ns/name, each version a tag, each
// release a Wasm OCI artifact whose one application/wasm layer is the package's bytes
// (common/oci/artifact.h).
//
// What a registry sends is untrusted: a tag list is read up to kMaxTags entries over every page
// (non-SemVer tags skipped), a manifest up to oci::kMaxManifestBytes and checked against the
// Docker-Content-Digest it is sent with, a layer up to the size its manifest lists. The caller
// verifies the layer's digest (Fetcher::blob()).
//
// Auth as container tools do it (distribution's token spec): a request goes out anonymously, or
// with the credential's Bearer token when it has no username; a 401 with `WWW-Authenticate:
// Bearer realm=…,service=…,scope=…` sends the client to the realm for a token (with Basic
// credentials when the credential has a username, anonymous otherwise), which it keeps per scope
// for the command and sends from then on; a Basic challenge takes the username and token
// directly. Credentials go to a realm only over HTTPS or on the registry's own host, and never
// from an HTTPS registry to a plain-HTTP realm. A redirect (a blob served from other storage)
// is followed up to kMaxRedirects hops; `Authorization` goes only to the registry's own origin.
//
// Thread-safe: any method may be called from many threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/config.h"
#include "client/registry_client.h"
#include "client/transport/options.h"
#include "common/digest.h"
#include "common/package_name.h"
#include "common/package_ref.h"
#include "common/result.h"
#include "common/version.h"

namespace wreg::client {

struct OciClientOptions : transport::TransportOptions {
  std::string registry;  // a normalized oci:// or oci+http:// URL
  std::optional<Credential> credential;
};

// What a version's manifest says.
struct OciRelease {
  Digest manifest;         // the manifest's own digest
  Digest layer;            // the package bytes' digest
  std::uint64_t size = 0;  // the layer's size
  std::string created;     // the org.opencontainers.image.created annotation; may be empty
};

class OciClient {
 public:
  // The most tags read for one repository, over all pages: a Wasm package has far fewer
  // versions, and a list past it is refused rather than held in memory.
  static constexpr std::size_t kMaxTags = 10'000;
  // The most pages of a tag list followed: a registry that links page after empty page forever
  // must not hold a command forever either.
  static constexpr std::size_t kMaxTagPages = 100;
  static constexpr int kMaxRedirects = 5;

  // kInvalidArgument for a URL that is not oci:// or oci+http://; kIo if TLS cannot be set up.
  // Opens no connection yet.
  static Result<std::unique_ptr<OciClient>> create(OciClientOptions options);
  ~OciClient();
  OciClient(const OciClient&) = delete;
  OciClient& operator=(const OciClient&) = delete;

  const std::string& registry() const;
  // PREFIX/ns/name.
  std::string repository(const PackageName& name) const;

  // The versions tagged in `name`'s repository (GET /v2/<repo>/tags/list, every page), in the
  // registry's order. kNotFound when the registry has no such repository; kCorrupt past
  // kMaxTags or for an answer that does not read.
  Result<std::vector<Version>> versions(const PackageName& name);
  // The packages of namespace `space` the registry's catalog lists (GET /v2/_catalog, every
  // page, up to kMaxTags repositories in all): repositories PREFIX/space/<name> whose name is a
  // package name. kUnavailable when the registry offers no catalog (many hosted ones do not).
  Result<std::vector<PackageName>> packages(const std::string& space);
  // The manifest tagged `id.version`, read as a Wasm artifact. kNotFound when there is no such
  // tag; kCorrupt for a manifest that is not one Wasm layer or does not match its digest.
  Result<OciRelease> release(const PackageVersion& id);
  // The layer `digest` of `name`'s repository, at most `size` bytes (kCorrupt past them), not
  // yet verified.
  Result<std::string> layer(const PackageName& name, const Digest& digest, std::uint64_t size,
                            const TransferProgress& progress = {});

  // Requests sent so far (every attempt, token and redirected requests included).
  std::uint64_t requests_made() const;

 private:
  struct Impl;
  explicit OciClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The https:// or http:// origin an oci:// or oci+http:// URL's requests go to.
std::string oci_origin(const std::string& registry);

}  // namespace wreg::client
