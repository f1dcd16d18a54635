#include "server/oci/credentials.h"

#include <openssl/evp.h>

#include "common/text.h"
#include "server/oci/responses.h"

namespace wreg::oci {

namespace {

constexpr std::size_t kMaxBasicCredentials = 1024;

bool is_base64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '+' || c == '/' || (c == '=' && i + 2 >= text.size());
    if (!ok) return false;
  }
  return !(text.back() != '=' && text[text.size() - 2] == '=');
}

// RFC 4648 base64, as RFC 7617 Basic credentials are; nullopt when it is not.
std::optional<std::string> decode_base64(std::string_view text) {
  if (text.size() > kMaxBasicCredentials || !is_base64(text)) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  const int size = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                   reinterpret_cast<const unsigned char*>(text.data()),
                                   static_cast<int>(text.size()));
  if (size < 0) return std::nullopt;
  std::size_t padding = 0;
  while (padding < 2 && text[text.size() - 1 - padding] == '=') ++padding;
  out.resize(static_cast<std::size_t>(size) - padding);
  return out;
}

// Whether `authorization` starts with `Basic ` (the scheme is case-insensitive, RFC 9110 §11.1).
bool is_basic_scheme(std::string_view authorization) {
  constexpr std::string_view kBasic = "basic ";
  for (std::size_t i = 0; i < kBasic.size(); ++i) {
    const char c = authorization[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != kBasic[i]) return false;
  }
  return true;
}

std::string repository_scope(const PackageName& name, std::string_view actions) {
  return "repository:" + repository_of(name) + ":" + std::string(actions);
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
  if (authorization.size() > kBasic.size() && is_basic_scheme(authorization)) {
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

std::string challenge(const http::Request& request, const OciContext& context,
                      std::string_view scope) {
  const std::string* host = request.header("host");
  if (!host || !is_plain_host(*host)) return "Bearer realm=\"wreg\"";
  std::string out =
      "Bearer realm=\"" + context.scheme + "://" + *host + "/v2/token\",service=\"" + *host + "\"";
  if (!scope.empty()) out += ",scope=\"" + std::string(scope) + "\"";
  return out;
}

Authorized authorize(const http::Request& request, const OciContext& context, auth::Action action,
                     const PackageName& name) {
  const std::string scope = repository_scope(name, "push,pull");
  auto token = request_token(request);
  if (!token) return {std::nullopt, refusal(token.error(), request, context, scope)};
  auto principal = context.api.authorizer.authorize(*token, action, name.space());
  if (!principal) return {std::nullopt, refusal(principal.error(), request, context, scope)};
  return {std::move(*principal), std::nullopt};
}

std::optional<http::Response> check_read(const http::Request& request, const OciContext& context) {
  if (!context.api.private_reads) return std::nullopt;
  auto token = request_token(request);
  if (!token) return refusal(token.error(), request, context, "");
  auto principal = context.api.authorizer.authorize(*token, auth::Action::kRead, "");
  if (!principal) return refusal(principal.error(), request, context, "");
  return std::nullopt;
}

std::optional<http::Response> check_login(const http::Request& request, const OciContext& context) {
  auto token = request_token(request);
  if (!token) return refusal(token.error(), request, context, "");
  if (*token == kAnonymousToken && !context.api.private_reads) return std::nullopt;
  auto principal = context.api.authorizer.authenticate(*token);
  if (!principal) return refusal(principal.error(), request, context, "");
  return std::nullopt;
}

}  // namespace wreg::oci
