// wreg-server as an OCI registry (DESIGN.md, "Other faces of the same registry"): the OCI
// Distribution API v1.1 and wkg's discovery document, over the same stores as /api/v1.
//
// A repository is `<prefix><ns>/<name>`, the package `ns:name` (wkg's mapping, with the
// namespace prefix `serve --oci-namespace-prefix` sets, empty by default), and a tag is one of
// its versions. Every release is a Wasm OCI artifact
// (common/oci/artifact.h): a manifest naming a config blob and one application/wasm layer, the
// release's exact bytes. A release published natively gets its manifest the first time it is
// asked for over OCI: synthesised deterministically, its config blob committed to the blob store,
// then the manifest stored with the release (MetadataStore::record_manifest keeps the first one
// stored), so that GET and HEAD by tag or by digest answer the same bytes forever.
//
// Handlers (handlers.h) answer errors in OCI's body (`{"errors":[{"code","message"}]}`) with
// the distribution spec's codes and statuses (responses.h). Paths reach them through the same
// Router as the native API, so a repository name has already been percent-decoded and checked
// for traversal and bad bytes; a handler then reads it as a PackageName.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "server/api/api.h"
#include "server/auth/bearer_tokens.h"
#include "server/http/router.h"
#include "server/store/upload_sessions.h"

namespace wreg::oci {

// The registry's address as clients reach it, from `serve --public-url`: when it runs behind a
// proxy or a name the requests' Host does not show.
struct PublicUrl {
  std::string scheme;  // "http" or "https"
  std::string host;    // HOST[:PORT]: a DNS name, an IPv4 address or [IPv6], then a port 1-65535
};

// Reads `http(s)://HOST[:PORT]`, with at most a `/` after it. kInvalidArgument naming the text,
// what is wrong (a path, a query, user info, a bad host or port) and the form to write.
Result<PublicUrl> parse_public_url(std::string_view text);

// Reads `serve --oci-namespace-prefix`: one or more path segments, each ending in `/` (e.g.
// `wasm/`, `acme/wasm/`), of lowercase letters, digits and `-`, at most 64 bytes in all; "" is
// no prefix. kInvalidArgument naming the text and the form to write.
Result<std::string> parse_namespace_prefix(std::string_view text);

// What the OCI handlers use: the API's stores and auth, and how the server is reached.
struct OciContext {
  api::ApiContext& api;
  store::UploadSessions& uploads;  // chunked blob uploads in progress (uploads.cpp)
  // The scheme of the token realm in a 401's challenge: "https" when the server serves TLS.
  std::string scheme = "http";
  // Signs and checks the bearer tokens GET /v2/token issues (credentials.h).
  const auth::SigningKey& signing_key;
  // When set, the discovery document and the challenges name this address instead of the
  // request's Host.
  std::optional<PublicUrl> public_url;
  // Where the repositories live under /v2/ (wkg's namespacePrefix, parse_namespace_prefix()):
  // package `ns:name` is the repository `<namespace_prefix>ns/name`.
  std::string namespace_prefix{};

  // The repository of package `name`, as clients name it.
  std::string repository(const PackageName& name) const {
    return namespace_prefix + name.space() + "/" + name.name();
  }
};

// Adds /.well-known/wasm-pkg/registry.json and the /v2/ routes to `router`. `context` must
// outlive it.
void add_routes(http::Router& router, OciContext& context);

}  // namespace wreg::oci
