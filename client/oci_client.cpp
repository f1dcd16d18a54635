// OciClient: the OCI distribution API's reads, over the same transport as the wreg API
// (client/transport/), one Transport per origin: the registry's own, and those its token realm
// and redirects name.
#include "client/oci_client.h"

#include <atomic>
#include <cctype>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "client/transport/transport.h"
#include "common/base64.h"
#include "common/hex.h"
#include "common/oci/artifact.h"
#include "common/oci/manifest.h"
#include "common/text.h"

namespace wreg::client {
namespace {

namespace http = boost::beast::http;
using transport::Answer;
using transport::Request;

constexpr std::uint64_t kTagPageLimit = 16ull << 20;
constexpr std::uint64_t kTokenAnswerLimit = 1ull << 20;
// An error page may be longer than a small layer: below this, a layer's answer may run to it (and
// is then refused by its size).
constexpr std::uint64_t kErrorLimit = 1ull << 20;
// A layer whose size nobody listed (`fetch --locked` without the document): as the wreg API's.
constexpr std::uint64_t kUnlistedLayerLimit = 4ull << 30;

// An absolute http(s) URL split into what a Transport dials and what a request asks for.
struct Target {
  std::string origin;  // scheme://host[:port]
  std::string path;    // path and query, starting with '/'
};

std::optional<Target> split_absolute(std::string_view url) {
  std::string_view rest;
  if (url.starts_with("https://")) {
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    return std::nullopt;
  }
  auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (authority.empty()) return std::nullopt;
  for (char c : url) {
    auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f || c == '#') return std::nullopt;
  }
  if (authority.find('@') != std::string_view::npos) return std::nullopt;
  Target target;
  target.origin = std::string(url.substr(0, url.size() - rest.size())) + std::string(authority);
  target.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  return target;
}

bool is_https(std::string_view origin) { return origin.starts_with("https://"); }

// One challenge of WWW-Authenticate: `Bearer realm="…",service="…",scope="…"` (RFC 7235 auth
// params, quoted or as tokens). Parameter names in lower case.
struct Challenge {
  std::string scheme;  // lower case
  std::map<std::string, std::string> params;
};

std::optional<Challenge> parse_challenge(std::string_view text) {
  text = trim(text);
  auto space = text.find(' ');
  Challenge challenge;
  for (char c : text.substr(0, space)) {
    challenge.scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (challenge.scheme.empty()) return std::nullopt;
  if (space == std::string_view::npos) return challenge;
  std::string_view rest = text.substr(space + 1);
  while (!rest.empty()) {
    rest = trim(rest);
    auto equals = rest.find('=');
    if (equals == std::string_view::npos) break;
    std::string name;
    for (char c : trim(rest.substr(0, equals))) {
      name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    rest = trim(rest.substr(equals + 1));
    std::string value;
    if (rest.starts_with('"')) {
      std::size_t i = 1;
      for (; i < rest.size() && rest[i] != '"'; ++i) {
        if (rest[i] == '\\' && i + 1 < rest.size()) ++i;
        value += rest[i];
      }
      if (i >= rest.size()) return std::nullopt;  // unterminated quote
      rest = rest.substr(i + 1);
    } else {
      auto comma = rest.find(',');
      value = std::string(trim(rest.substr(0, comma)));
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma);
    }
    challenge.params[name] = std::move(value);
    rest = trim(rest);
    if (rest.starts_with(',')) rest.remove_prefix(1);
  }
  return challenge;
}

// An answer that is neither what was asked nor a 404: the registry's failure (5xx, worth trying
// again later) or an answer wreg cannot use.
Error unexpected_answer(const std::string& registry, const std::string& what, const Answer& answer);

bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// The registry's own words from an OCI error body, else the status; the one line of an answer
// that is not what was asked.
std::string answer_text(const Answer& answer) {
  if (auto body = oci::read_error(answer.body); body && !body->message.empty()) {
    return wreg::quoted(body->message) + " (" + body->code + ", HTTP " +
           std::to_string(answer.status) + ")";
  }
  return "HTTP " + std::to_string(answer.status);
}

Error unexpected_answer(const std::string& registry, const std::string& what,
                        const Answer& answer) {
  return fail(answer.status >= 500 ? ErrorCode::kUnavailable : ErrorCode::kCorrupt,
              "registry " + registry + " answered " + what + " with " + answer_text(answer));
}

}  // namespace

std::string oci_origin(const std::string& registry) {
  const bool tls = registry.starts_with("oci://");
  std::string_view rest = std::string_view(registry).substr(tls ? 6 : 11);
  return std::string(tls ? "https://" : "http://") + std::string(rest.substr(0, rest.find('/')));
}

struct OciClient::Impl {
  OciClientOptions options;
  std::string origin;  // the registry's: https://HOST[:PORT] or http://...
  std::string prefix;  // the repository prefix without slashes at its ends; "" for none

  std::mutex mutex;
  std::map<std::string, std::unique_ptr<transport::Transport>> transports;  // by origin
  std::map<std::string, std::string> authorizations;  // scope -> Authorization value

  Result<transport::Transport*> transport_for(const std::string& to) {
    std::lock_guard lock(mutex);
    auto it = transports.find(to);
    if (it != transports.end()) return it->second.get();
    auto made =
        transport::Transport::create(to, static_cast<const transport::TransportOptions&>(options));
    if (!made) return std::move(made).error();
    return transports.emplace(to, std::move(*made)).first->second.get();
  }

  std::optional<std::string> authorization(const std::string& scope) {
    std::lock_guard lock(mutex);
    if (auto it = authorizations.find(scope); it != authorizations.end()) return it->second;
    if (options.credential && options.credential->username.empty()) {
      return "Bearer " + options.credential->token;
    }
    return std::nullopt;
  }

  Error unauthenticated(const std::string& why) const {
    return fail(ErrorCode::kUnauthenticated,
                "registry " + options.registry + " " + why + "; add a token (and username) for " +
                    registry_host(options.registry) + " to credentials.toml, or set WKG_REGISTRY_" +
                    wkg_host_key(registry_host(options.registry)) + "_AUTH_BEARER");
  }

  // Answers `challenge` (a 401's) for `scope`: the Authorization to send from now on.
  Result<void> authenticate(const Challenge& challenge, const std::string& scope) {
    const auto& credential = options.credential;
    if (challenge.scheme == "basic") {
      if (!credential || credential->username.empty()) {
        return unauthenticated("asks for a username and password");
      }
      std::lock_guard lock(mutex);
      authorizations[scope] =
          "Basic " + base64_encode(credential->username + ":" + credential->token);
      return {};
    }
    if (challenge.scheme != "bearer") {
      return unauthenticated("asks for " + wreg::quoted(challenge.scheme) +
                             " authentication, which wreg does not speak (Bearer and Basic only)");
    }
    auto realm_it = challenge.params.find("realm");
    auto realm =
        realm_it == challenge.params.end() ? std::nullopt : split_absolute(realm_it->second);
    if (!realm) return unauthenticated("names no usable token realm in its challenge");
    if (is_https(origin) && !is_https(realm->origin)) {
      return unauthenticated("sends its HTTPS clients to a plain-HTTP token realm " +
                             wreg::quoted(realm->origin) + ", which wreg refuses");
    }
    std::string query;
    auto add_param = [&](const std::string& name, const std::string& value) {
      query += (query.empty() ? (realm->path.find('?') == std::string::npos ? "?" : "&") : "&") +
               name + "=" + percent_encode(value);
    };
    if (auto it = challenge.params.find("service"); it != challenge.params.end()) {
      add_param("service", it->second);
    }
    auto scope_it = challenge.params.find("scope");
    add_param("scope", scope_it != challenge.params.end() ? scope_it->second : scope);
    Request request{http::verb::get, realm->path + query, {}, {}};
    request.headers.emplace_back("User-Agent", std::string("wreg/") + WREG_VERSION);
    request.headers.emplace_back("Accept", "application/json");
    const bool may_send_credentials = is_https(realm->origin) || realm->origin == origin;
    if (credential && !credential->username.empty() && may_send_credentials) {
      request.headers.emplace_back(
          "Authorization",
          "Basic " + base64_encode(credential->username + ":" + credential->token));
    }
    auto realm_transport = transport_for(realm->origin);
    if (!realm_transport) return std::move(realm_transport).error();
    auto answer = (*realm_transport)->send(request, kTokenAnswerLimit);
    if (!answer) return std::move(answer).error();
    if (answer->status == 401 || answer->status == 403) {
      return unauthenticated("'s token service refused " +
                             std::string(credential ? "the credentials" : "an anonymous pull") +
                             " (" + answer_text(*answer) + ")");
    }
    if (answer->status != 200) {
      return fail(
          answer->status >= 500 ? ErrorCode::kUnavailable : ErrorCode::kCorrupt,
          "registry " + options.registry + "'s token service answered " + answer_text(*answer));
    }
    auto json = nlohmann::json::parse(answer->body, nullptr, false);
    std::string token;
    if (json.is_object()) {
      for (const char* key : {"token", "access_token"}) {
        auto it = json.find(key);
        if (it != json.end() && it->is_string() && !it->get<std::string>().empty()) {
          token = it->get<std::string>();
          break;
        }
      }
    }
    if (token.empty() || token.find_first_of("\r\n") != std::string::npos) {
      return fail(ErrorCode::kCorrupt, "registry " + options.registry +
                                           "'s token service sent no token (expected JSON with "
                                           "\"token\" or \"access_token\")");
    }
    std::lock_guard lock(mutex);
    authorizations[scope] = "Bearer " + token;
    return {};
  }

  // Sends `request` to the registry for `scope`, answering one auth challenge and following
  // redirects. The last answer, whatever its status.
  Result<Answer> send(Request request, const std::string& scope, std::uint64_t limit,
                      const TransferProgress& progress = {}) {
    request.headers.emplace_back("User-Agent", std::string("wreg/") + WREG_VERSION);
    std::string to = origin;
    bool challenged = false;
    for (int hops = 0;;) {
      Request attempt = request;
      if (to == origin) {
        if (auto value = authorization(scope))
          attempt.headers.emplace_back("Authorization", *value);
      }
      auto sender = transport_for(to);
      if (!sender) return std::move(sender).error();
      auto answer = (*sender)->send(attempt, limit, {}, progress);
      if (!answer) return answer;
      if (answer->status == 401 && to == origin && !challenged) {
        challenged = true;
        auto challenge = parse_challenge(answer->field("www-authenticate"));
        if (!challenge) return unauthenticated("refused the request and sent no usable challenge");
        if (auto ok = authenticate(*challenge, scope); !ok) return std::move(ok).error();
        continue;
      }
      if (answer->status == 401) return unauthenticated("refused the credentials it was sent");
      if (!is_redirect(answer->status)) return answer;
      if (++hops > kMaxRedirects) {
        return fail(ErrorCode::kCorrupt, "registry " + options.registry + " redirected " +
                                             request.target + " more than " +
                                             std::to_string(kMaxRedirects) + " times");
      }
      const std::string location = answer->field("location");
      std::optional<Target> next;
      if (location.starts_with("/") && !location.starts_with("//")) {
        next = Target{to, location};
      } else {
        next = split_absolute(location);
      }
      if (!next) {
        return fail(ErrorCode::kCorrupt, "registry " + options.registry + " redirected " +
                                             request.target + " to " + wreg::quoted(location) +
                                             ", which is not an http(s) URL");
      }
      if (is_https(to) && !is_https(next->origin)) {
        return fail(ErrorCode::kCorrupt, "registry " + options.registry + " redirected " +
                                             request.target + " from HTTPS to plain HTTP (" +
                                             wreg::quoted(next->origin) + "), which wreg refuses");
      }
      to = next->origin;
      request.target = next->path;
    }
  }

  std::string tag_path(const std::string& repository) const {
    return "/v2/" + repository + "/tags/list";
  }
};

OciClient::OciClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
OciClient::~OciClient() = default;

Result<std::unique_ptr<OciClient>> OciClient::create(OciClientOptions options) {
  auto normalized = normalize_registry_url(options.registry);
  if (!normalized) return std::move(normalized).error();
  if (protocol_of(*normalized) != RegistryProtocol::kOci) {
    return fail(ErrorCode::kInvalidArgument,
                "registry " + *normalized + " is not an OCI registry (oci:// or oci+http://)");
  }
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  impl->options.registry = *normalized;
  impl->origin = oci_origin(*normalized);
  std::string_view after_scheme = std::string_view(*normalized).substr(normalized->find("://") + 3);
  if (auto slash = after_scheme.find('/'); slash != std::string_view::npos) {
    impl->prefix = std::string(after_scheme.substr(slash + 1));
  }
  // The registry's own transport is made now, so that a TLS set-up failure shows at once.
  if (auto made = impl->transport_for(impl->origin); !made) return std::move(made).error();
  return std::unique_ptr<OciClient>(new OciClient(std::move(impl)));
}

const std::string& OciClient::registry() const { return impl_->options.registry; }

std::string OciClient::repository(const PackageName& name) const {
  std::string path = name.space() + "/" + name.name();
  return impl_->prefix.empty() ? path : impl_->prefix + "/" + path;
}

std::uint64_t OciClient::requests_made() const {
  std::lock_guard lock(impl_->mutex);
  std::uint64_t total = 0;
  for (const auto& [origin, sender] : impl_->transports) total += sender->requests_sent();
  return total;
}

Result<std::vector<Version>> OciClient::versions(const PackageName& name) {
  const std::string repo = repository(name);
  const std::string scope = "repository:" + repo + ":pull";
  const std::string& registry = impl_->options.registry;
  std::vector<Version> versions;
  std::size_t tags_seen = 0;
  std::string target = impl_->tag_path(repo) + "?n=1000";
  for (std::size_t page = 1;; ++page) {
    if (page > kMaxTagPages) {
      return fail(ErrorCode::kCorrupt, "registry " + registry + " links more than " +
                                           std::to_string(kMaxTagPages) + " pages of tags for " +
                                           repo + "; wreg reads at most " +
                                           std::to_string(kMaxTagPages));
    }
    Request request{http::verb::get, target, {{"Accept", "application/json"}}, {}};
    auto answer = impl_->send(std::move(request), scope, kTagPageLimit);
    if (!answer) {
      auto error = std::move(answer).error();
      if (error.code == ErrorCode::kTooLarge) {
        error.code = ErrorCode::kCorrupt;
        error.message = "registry " + registry + " sent a tag list of " + repo + " past " +
                        std::to_string(kTagPageLimit >> 20) + " MiB; wreg reads at most " +
                        std::to_string(kMaxTags) + " tags";
      }
      return error;
    }
    if (answer->status == 404) {
      return fail(ErrorCode::kNotFound, "the registry " + registry + " has no package " +
                                            name.to_string() + " (no repository " + repo + ")");
    }
    if (answer->status != 200) {
      return unexpected_answer(registry, "the tag list of " + repo, *answer);
    }
    auto json = nlohmann::json::parse(answer->body, nullptr, false);
    auto tags = json.is_object() ? json.find("tags") : json.end();
    if (!json.is_object() || (tags != json.end() && !tags->is_array() && !tags->is_null())) {
      return fail(ErrorCode::kCorrupt, "registry " + registry + " sent a tag list of " + repo +
                                           " that is not {\"name\":…,\"tags\":[…]}");
    }
    if (tags != json.end() && tags->is_array()) {
      tags_seen += tags->size();
      if (tags_seen > kMaxTags) {
        return fail(ErrorCode::kCorrupt, "registry " + registry + " lists more than " +
                                             std::to_string(kMaxTags) + " tags for " + repo +
                                             "; wreg reads at most " + std::to_string(kMaxTags));
      }
      for (const auto& tag : *tags) {
        if (!tag.is_string()) continue;
        // Other tags (latest, sha256-… signatures) are not versions.
        if (auto version = Version::parse(tag.get<std::string>())) versions.push_back(*version);
      }
    }
    // The next page, as distribution's Link header names it: `<path?last=…&n=…>; rel="next"`.
    const std::string link = answer->field("link");
    if (link.empty()) return versions;
    auto open = link.find('<');
    auto close = link.find('>');
    if (open != 0 || close == std::string::npos || link.find("rel=\"next\"") == std::string::npos) {
      return versions;
    }
    std::string next = link.substr(1, close - 1);
    if (auto absolute = split_absolute(next)) {
      if (absolute->origin != impl_->origin)
        next.clear();
      else
        next = absolute->path;
    }
    if (!next.starts_with(impl_->tag_path(repo) + "?")) {
      return fail(ErrorCode::kCorrupt, "registry " + registry + " sent a next-page link for " +
                                           repo +
                                           " that is not its tag list: " + wreg::quoted(link));
    }
    target = next;
  }
}

Result<std::vector<PackageName>> OciClient::packages(const std::string& space) {
  const std::string& registry = impl_->options.registry;
  const std::string lead = (impl_->prefix.empty() ? "" : impl_->prefix + "/") + space + "/";
  std::vector<PackageName> names;
  std::size_t seen = 0;
  std::string target = "/v2/_catalog?n=1000";
  for (std::size_t page = 1; page <= kMaxTagPages; ++page) {
    Request request{http::verb::get, target, {{"Accept", "application/json"}}, {}};
    auto answer = impl_->send(std::move(request), "registry:catalog:*", kTagPageLimit);
    if (!answer) return std::move(answer).error();
    if (answer->status != 200) {
      return fail(ErrorCode::kUnavailable, "registry " + registry + " offers no catalog (" +
                                               answer_text(*answer) + "); name the packages");
    }
    auto json = nlohmann::json::parse(answer->body, nullptr, false);
    auto repositories = json.is_object() ? json.find("repositories") : json.end();
    if (repositories == json.end() || !repositories->is_array()) {
      return fail(ErrorCode::kCorrupt,
                  "registry " + registry + " sent a catalog that is not {\"repositories\":[…]}");
    }
    seen += repositories->size();
    if (seen > kMaxTags) {
      return fail(ErrorCode::kCorrupt, "registry " + registry + " lists more than " +
                                           std::to_string(kMaxTags) + " repositories");
    }
    for (const auto& repository : *repositories) {
      if (!repository.is_string()) continue;
      const std::string text = repository.get<std::string>();
      if (!text.starts_with(lead)) continue;
      if (auto name = PackageName::parse(space + ":" + text.substr(lead.size()))) {
        names.push_back(*name);
      }
    }
    const std::string link = answer->field("link");
    auto close = link.find('>');
    if (!link.starts_with("</v2/_catalog?") || close == std::string::npos ||
        link.find("rel=\"next\"") == std::string::npos) {
      return names;
    }
    target = link.substr(1, close - 1);
  }
  return fail(ErrorCode::kCorrupt, "registry " + registry + " links more than " +
                                       std::to_string(kMaxTagPages) + " pages of its catalog");
}

Result<OciRelease> OciClient::release(const PackageVersion& id) {
  const std::string repo = repository(id.name);
  const std::string& registry = impl_->options.registry;
  // Versions come from tags, and a tag cannot hold SemVer's '+', so no build metadata here.
  const std::string reference = id.version.to_string();
  Request request{http::verb::get,
                  "/v2/" + repo + "/manifests/" + reference,
                  {{"Accept", std::string(oci::kImageManifestType) + ", " +
                                  std::string(oci::kDockerManifestType)}},
                  {}};
  auto answer =
      impl_->send(std::move(request), "repository:" + repo + ":pull", oci::kMaxManifestBytes);
  const std::string what = id.to_string() + " (" + repo + ":" + reference + ")";
  if (!answer) {
    auto error = std::move(answer).error();
    if (error.code == ErrorCode::kTooLarge) {
      error.code = ErrorCode::kCorrupt;
      error.message = "registry " + registry + " sent a manifest for " + what + " past " +
                      std::to_string(oci::kMaxManifestBytes) + " bytes; nothing was stored";
    }
    return error;
  }
  if (answer->status == 404) {
    return fail(ErrorCode::kNotFound, "the registry " + registry + " has no " + what);
  }
  if (answer->status != 200) {
    return unexpected_answer(registry, "the manifest of " + what, *answer);
  }
  OciRelease release;
  release.manifest = Digest::of(std::string_view(answer->body));
  if (auto sent = answer->field("docker-content-digest"); !sent.empty()) {
    auto claimed = Digest::parse(sent);
    if (claimed && !(*claimed == release.manifest)) {
      return fail(ErrorCode::kCorrupt, "registry " + registry + " sent a manifest for " + what +
                                           " whose bytes are " + release.manifest.to_string() +
                                           ", not the " + claimed->to_string() +
                                           " it names; nothing was stored");
    }
  }
  auto manifest = oci::read_manifest(answer->body);
  if (!manifest) {
    return fail(ErrorCode::kCorrupt, "registry " + registry + " sent a manifest for " + what +
                                         " that does not read: " + manifest.error().message);
  }
  auto artifact = oci::wasm_artifact_of(*manifest, answer->field("content-type"));
  if (!artifact) {
    return fail(ErrorCode::kCorrupt, "registry " + registry + " holds no Wasm package at " + what +
                                         ": " + artifact.error().message);
  }
  release.layer = artifact->layer;
  release.size = artifact->layer_size;
  if (auto it = manifest->annotations.find("org.opencontainers.image.created");
      it != manifest->annotations.end()) {
    release.created = it->second;
  }
  return release;
}

Result<std::string> OciClient::layer(const PackageName& name, const Digest& digest,
                                     std::uint64_t size, const TransferProgress& progress) {
  const std::string repo = repository(name);
  const std::string& registry = impl_->options.registry;
  Request request{http::verb::get, "/v2/" + repo + "/blobs/" + digest.to_string(), {}, {}};
  auto answer =
      impl_->send(std::move(request), "repository:" + repo + ":pull",
                  size == 0 ? kUnlistedLayerLimit : std::max(size, kErrorLimit), progress);
  if (!answer) {
    auto error = std::move(answer).error();
    if (error.code == ErrorCode::kTooLarge) {
      error.code = ErrorCode::kCorrupt;
      error.message = "registry " + registry + " sent more than the " + std::to_string(size) +
                      " bytes the manifest of " + repo + " lists for " + digest.to_string() +
                      "; nothing was stored";
    }
    return error;
  }
  if (answer->status == 404) {
    return fail(ErrorCode::kNotFound,
                "registry " + registry + " has no blob " + digest.to_string() + " in " + repo);
  }
  if (answer->status != 200) {
    return unexpected_answer(registry, "the blob " + digest.to_string() + " of " + repo, *answer);
  }
  if (size != 0 && answer->body.size() != size) {
    return fail(ErrorCode::kCorrupt, "registry " + registry + " sent " +
                                         std::to_string(answer->body.size()) + " bytes for " +
                                         digest.to_string() + " of " + repo + ", not the " +
                                         std::to_string(size) +
                                         " its manifest lists; nothing "
                                         "was stored");
  }
  return std::move(answer->body);
}

}  // namespace wreg::client
