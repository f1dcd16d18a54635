#include "server/oci/credentials.h"

#include <algorithm>
#include <chrono>

#include "common/base64.h"
#include "common/text.h"
#include "server/api/request_values.h"
#include "server/http/router.h"
#include "server/oci/handlers.h"
#include "server/oci/responses.h"
#include "server/store/metadata_rows.h"

namespace wreg::oci {

namespace {

constexpr std::size_t kMaxBasicCredentials = 1024;

// RFC 4648 base64, as RFC 7617 Basic credentials are; nullopt when it is not, or is past the
// size any user:token pair needs.
std::optional<std::string> decode_base64(std::string_view text) {
  if (text.size() > kMaxBasicCredentials) return std::nullopt;
  return base64_decode(text);
}

std::string repository_scope(const OciContext& context, const PackageName& name,
                             std::string_view actions) {
  return "repository:" + context.repository(name) + ":" + std::string(actions);
}

// The token the request's Authorization header presents (presented_token()).
Result<std::string> request_token(const http::Request& request) {
  const std::string* header = request.header("authorization");
  return presented_token(header ? std::string_view(*header) : std::string_view());
}

// `error`, from reading or checking the request's token, as the response: UNAUTHORIZED with a
// challenge for `scope` when it is kUnauthenticated, otherwise error_of() (DENIED, a store error).
http::Response refusal(const Error& error, const http::Request& request, const OciContext& context,
                       std::string_view scope) {
  if (error.code != ErrorCode::kUnauthenticated) return error_of(error, kNameCodes);
  http::Response response = error_response(Code::kUnauthorized, error.message);
  response.set("WWW-Authenticate", challenge(request, context, scope));
  return response;
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

constexpr const char* kLogIn = "log in with any user name and a wreg token as the password";

// Who presented a token: a wreg token's principal, or a bearer token's claims and, unless it is
// anonymous, the principal of the wreg token it was issued for.
struct Caller {
  std::optional<auth::Principal> principal;  // nullopt: anonymous
  std::optional<auth::BearerClaims> claims;  // set for a bearer token
};

// kUnauthenticated for a wreg token that is not valid, a bearer token that is not one of ours,
// has expired or whose wreg token was revoked, and an anonymous bearer token while reads are
// closed.
Result<Caller> identify(std::string_view token, const OciContext& context) {
  if (!auth::is_bearer_token(token)) {
    auto principal = context.api.authorizer.authenticate(token);
    if (!principal) return std::move(principal).error();
    return Caller{std::move(*principal), std::nullopt};
  }
  auto claims = auth::verify_bearer_token(token, context.signing_key, unix_now());
  if (!claims) return std::move(claims).error();
  if (claims->token_id == 0) {
    if (context.api.private_reads) {
      return fail(ErrorCode::kUnauthenticated,
                  std::string("reads need a wreg token here, and this bearer token was issued "
                              "without one; ") +
                      kLogIn);
    }
    return Caller{std::nullopt, std::move(*claims)};
  }
  auto principal = context.api.authorizer.principal_of(claims->token_id);
  if (!principal) return std::move(principal).error();
  return Caller{std::move(*principal), std::move(*claims)};
}

// Nothing when `caller` is not a bearer token or its grant on `name` has `action`; otherwise the
// kUnauthenticated that makes a client fetch a token for `scope`.
Result<void> check_grant(const OciContext& context, const Caller& caller, const PackageName& name,
                         auth::Action action, std::string_view scope) {
  if (!caller.claims) return {};
  const auth::Grant* grant = caller.claims->grant_of(name);
  const bool push = action != auth::Action::kRead;
  if (grant && (push ? grant->push : grant->pull)) return {};
  return fail(ErrorCode::kUnauthenticated,
              std::string("this bearer token does not grant ") + (push ? "push" : "pull") + " on " +
                  context.repository(name) + "; fetch one for scope \"" + std::string(scope) +
                  "\" from GET /v2/token");
}

// The package of a scope's repository `<namespace prefix>ns/name`. kInvalidArgument when it is
// not one.
Result<PackageName> package_of_repository(const OciContext& context, std::string_view repository) {
  if (!repository.starts_with(context.namespace_prefix)) {
    return fail(ErrorCode::kInvalidArgument,
                "the scope's repository " + wreg::quoted(repository) + " is not under " +
                    wreg::quoted(context.namespace_prefix) +
                    ", this registry's namespace prefix; ask for repository:" +
                    context.namespace_prefix + "<ns>/<name>:push,pull");
  }
  repository.remove_prefix(context.namespace_prefix.size());
  const auto slash = repository.find('/');
  if (slash == std::string_view::npos ||
      repository.find('/', slash + 1) != std::string_view::npos) {
    return fail(ErrorCode::kInvalidArgument,
                "the scope's repository " + wreg::quoted(repository) +
                    " is not <namespace>/<name>; ask for repository:<ns>/<name>:push,pull");
  }
  return PackageName::parse(std::string(repository.substr(0, slash)) + ":" +
                            std::string(repository.substr(slash + 1)));
}

// The repositories and actions a token request asks for: every `scope` parameter of the query
// (Docker clients repeat it), each a space-separated list of
// `repository:<ns>/<name>:<action>[,<action>]...`. Other resource types and actions are not
// granted, so they are skipped. kInvalidArgument for a repository that is not a package's, or
// more than kMaxGrants repositories.
Result<std::vector<auth::Grant>> requested_scopes(const http::Request& request,
                                                  const OciContext& context) {
  std::vector<auth::Grant> grants;
  const auto question = request.target.find('?');
  if (question == std::string::npos) return grants;
  for (const std::string_view pair :
       split(std::string_view(request.target).substr(question + 1), '&')) {
    if (!pair.starts_with("scope=")) continue;
    auto value = http::percent_decode(pair.substr(6), /*plus_is_space=*/true);
    if (!value) return std::move(value).error();
    for (const std::string_view scope : split(*value, ' ')) {
      const auto first = scope.find(':');
      const auto last = scope.rfind(':');
      if (first == std::string_view::npos || first == last ||
          scope.substr(0, first) != "repository") {
        continue;
      }
      auto package = package_of_repository(context, scope.substr(first + 1, last - first - 1));
      if (!package) return std::move(package).error();
      auth::Grant asked{std::move(*package)};
      for (const std::string_view action : split(scope.substr(last + 1), ',')) {
        asked.pull = asked.pull || action == "pull";
        asked.push = asked.push || action == "push";
      }
      auto same = std::find_if(grants.begin(), grants.end(), [&asked](const auth::Grant& grant) {
        return grant.package == asked.package;
      });
      if (same != grants.end()) {
        same->pull = same->pull || asked.pull;
        same->push = same->push || asked.push;
      } else if (grants.size() == auth::kMaxGrants) {
        return fail(ErrorCode::kInvalidArgument,
                    "a token grants at most " + std::to_string(auth::kMaxGrants) +
                        " repositories; ask for fewer scopes at a time");
      } else {
        grants.push_back(std::move(asked));
      }
    }
  }
  return grants;
}

}  // namespace

bool is_plain_host(std::string_view host) {
  if (host.empty() || host.size() > 261) return false;
  for (char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
    if (!ok) return false;
  }
  return true;
}

Result<std::string> presented_token(std::string_view authorization) {
  authorization = trim(authorization);
  constexpr std::string_view kBasic = "basic ";
  // The scheme is case-insensitive (RFC 9110 §11.1).
  if (authorization.size() > kBasic.size() &&
      http::iequals(authorization.substr(0, kBasic.size()), kBasic)) {
    auto decoded = decode_base64(trim(authorization.substr(kBasic.size())));
    const std::size_t colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos) {
      return fail(ErrorCode::kUnauthenticated,
                  "the Basic credentials are not base64 of user:password; send any user name and "
                  "a wreg token as the password");
    }
    return decoded->substr(colon + 1);
  }
  auto bearer = auth::bearer_token(authorization);
  if (!bearer) {
    return fail(ErrorCode::kUnauthenticated,
                "missing credentials; log in with any user name and a wreg token as the password "
                "(Basic), or send `Authorization: Bearer <token>`");
  }
  return std::string(*bearer);
}

std::optional<std::string> registry_host(const http::Request& request, const OciContext& context) {
  if (context.public_url) return context.public_url->host;
  const std::string* host = request.header("host");
  if (!host || !is_plain_host(*host)) return std::nullopt;
  return *host;
}

std::string challenge(const http::Request& request, const OciContext& context,
                      std::string_view scope) {
  auto host = registry_host(request, context);
  if (!host) return "Bearer realm=\"wreg\"";
  const std::string& scheme = context.public_url ? context.public_url->scheme : context.scheme;
  std::string out =
      "Bearer realm=\"" + scheme + "://" + *host + "/v2/token\",service=\"" + *host + "\"";
  if (!scope.empty()) out += ",scope=\"" + std::string(scope) + "\"";
  return out;
}

Authorized authorize(const http::Request& request, const OciContext& context, auth::Action action,
                     const PackageName& name) {
  const std::string scope = repository_scope(context, name, "push,pull");
  auto token = request_token(request);
  if (!token) return {std::nullopt, refusal(token.error(), request, context, scope)};
  auto caller = identify(*token, context);
  if (!caller) return {std::nullopt, refusal(caller.error(), request, context, scope)};
  if (caller->principal) {
    // The wreg token's own scope first: a 403 says no token for this scope would help.
    auto allowed = auth::check_allowed(*caller->principal, action, name.space());
    if (!allowed) return {std::nullopt, refusal(allowed.error(), request, context, scope)};
  }
  if (auto granted = check_grant(context, *caller, name, action, scope); !granted) {
    return {std::nullopt, refusal(granted.error(), request, context, scope)};
  }
  if (!caller->principal) {
    return {std::nullopt, refusal(fail(ErrorCode::kUnauthenticated,
                                       std::string("an anonymous token only reads; ") + kLogIn),
                                  request, context, scope)};
  }
  return {std::move(caller->principal), std::nullopt};
}

std::optional<http::Response> check_read(const http::Request& request, const OciContext& context) {
  if (!context.api.private_reads) return std::nullopt;
  std::optional<PackageName> repository;
  if (request.param("ns")) {
    if (auto name = api::package_name_of(request)) repository = std::move(*name);
  }
  const std::string scope = repository ? repository_scope(context, *repository, "pull") : "";
  auto token = request_token(request);
  if (!token) return refusal(token.error(), request, context, scope);
  auto caller = identify(*token, context);
  if (!caller) return refusal(caller.error(), request, context, scope);
  if (repository) {
    if (auto granted = check_grant(context, *caller, *repository, auth::Action::kRead, scope);
        !granted) {
      return refusal(granted.error(), request, context, scope);
    }
  }
  return std::nullopt;
}

std::optional<http::Response> check_login(const http::Request& request, const OciContext& context) {
  auto token = request_token(request);
  if (!token) return refusal(token.error(), request, context, "");
  auto caller = identify(*token, context);
  if (!caller) return refusal(caller.error(), request, context, "");
  return std::nullopt;
}

http::Response get_token(const http::Request& request, OciContext& context) {
  std::optional<auth::Principal> principal;
  if (const std::string* header = request.header("authorization")) {
    auto presented = presented_token(*header);
    if (!presented) return refusal(presented.error(), request, context, "");
    if (auth::is_bearer_token(*presented)) {
      return refusal(fail(ErrorCode::kUnauthenticated,
                          std::string("a bearer token cannot buy another one; ") + kLogIn),
                     request, context, "");
    }
    auto authenticated = context.api.authorizer.authenticate(*presented);
    if (!authenticated) return refusal(authenticated.error(), request, context, "");
    principal = std::move(*authenticated);
  } else if (context.api.private_reads) {
    return refusal(
        fail(ErrorCode::kUnauthenticated, std::string("reads need a token here; ") + kLogIn),
        request, context, "");
  }
  auto requested = requested_scopes(request, context);
  if (!requested) return error_response(Code::kNameInvalid, requested.error().message);

  // The grant is what was asked for and the wreg token permits: pull for anyone who got this
  // far (any wreg token reads, and anonymous callers while reads are open), push where the wreg
  // token may publish.
  auth::BearerClaims claims;
  claims.token_id = principal ? principal->token_id : 0;
  claims.issued_at = unix_now();
  claims.expires_at = claims.issued_at + auth::kBearerLifetimeSeconds;
  // A bearer token never outlives the wreg token it was bought with.
  if (principal && principal->expires) {
    claims.expires_at = std::min(claims.expires_at, principal->expires->time_since_epoch().count());
    if (claims.expires_at <= claims.issued_at) {
      // It expired between authenticate() and now.
      return refusal(
          fail(ErrorCode::kUnauthenticated, auth::expired_token_message(*principal->expires)),
          request, context, "");
    }
  }
  for (auth::Grant& grant : *requested) {
    grant.push = grant.push && principal &&
                 auth::allows(*principal, auth::Action::kPublish, grant.package.space());
    if (grant.pull || grant.push) claims.grants.push_back(std::move(grant));
  }
  const std::string token = auth::issue_bearer_token(claims, context.signing_key);
  const std::string issued_at =
      store::rfc3339(std::chrono::system_clock::time_point(std::chrono::seconds(claims.issued_at)));
  http::Response response = http::json_response(
      200, "{\"token\":\"" + token + "\",\"access_token\":\"" + token +
               "\",\"expires_in\":" + std::to_string(claims.expires_at - claims.issued_at) +
               ",\"issued_at\":\"" + issued_at + "\"}");
  response.set("Cache-Control", "no-store");
  mark_registry_response(response);
  response.log_token_id = claims.token_id;
  return response;
}

}  // namespace wreg::oci
