// RegistryClient: the wire API's requests and answers. How they travel (connections, the pool,
// retries, pipelining) is the transport's, in client/transport/; only Beast's verb enum is named
// here, through client/transport/message.h.
#include "client/registry_client.h"

#include <cctype>
#include <optional>
#include <vector>

#include "client/config.h"
#include "client/transport/transport.h"
#include "common/hex.h"
#include "common/text.h"

namespace wreg::client {
namespace {

namespace http = boost::beast::http;

constexpr std::uint64_t kJsonLimit = 64ull << 20;
constexpr std::uint64_t kBlobLimit = 4ull << 30;

using HttpAnswer = transport::Answer;

ErrorCode code_for_status(int status) {
  switch (status) {
    case 400:
      return ErrorCode::kInvalidArgument;
    case 401:
      return ErrorCode::kUnauthenticated;
    case 403:
      return ErrorCode::kPermissionDenied;
    case 404:
      return ErrorCode::kNotFound;
    case 409:
      return ErrorCode::kConflict;
    case 413:
      return ErrorCode::kTooLarge;
    default:
      return status >= 500 ? ErrorCode::kUnavailable : ErrorCode::kInvalidArgument;
  }
}

// The registry's `{"error":{"message"}}`, or a description of the status when there is none.
Error answer_error(const std::string& registry, const HttpAnswer& answer) {
  std::string message;
  if (auto body = api::parse_error_body(answer.body)) message = std::move(body->message);
  if (message.empty()) {
    message = "registry " + registry + " answered HTTP " + std::to_string(answer.status);
  }
  ErrorCode code = code_for_status(answer.status);
  if (code == ErrorCode::kUnauthenticated) {
    message += " (registry " + registry + ": log in with `wreg login --registry " + registry +
               "` or set WREG_TOKEN)";
  } else if (code == ErrorCode::kPermissionDenied) {
    message += " (registry " + registry + ": the token does not allow this)";
  } else if (code == ErrorCode::kUnavailable) {
    message = "registry " + registry + " failed: " + message + " (HTTP " +
              std::to_string(answer.status) + "); try again later";
  }
  return fail(code, std::move(message));
}

}  // namespace

void defer_openssl_config() { transport::defer_openssl_config(); }

struct RegistryClient::Impl {
  RegistryClientOptions options;
  std::unique_ptr<transport::Transport> transport;

  transport::Request make_request(http::verb method, const std::string& target,
                                  std::vector<std::pair<std::string, std::string>> headers,
                                  std::string body) const {
    transport::Request request{method, target, {}, std::move(body)};
    request.headers.emplace_back("User-Agent", std::string("wreg/") + WREG_VERSION);
    request.headers.emplace_back("Accept", "application/json");
    if (options.token) request.headers.emplace_back("Authorization", "Bearer " + *options.token);
    for (auto& header : headers) request.headers.push_back(std::move(header));
    return request;
  }

  // One request, with the transport's retries: the last attempt's answer or error.
  Result<HttpAnswer> send(http::verb method, const std::string& target,
                          std::vector<std::pair<std::string, std::string>> headers,
                          std::string body, std::uint64_t limit,
                          const TransferProgress& upload = {},
                          const TransferProgress& download = {}) {
    return transport->send(make_request(method, target, std::move(headers), std::move(body)), limit,
                           upload, download);
  }

  std::string package_path(const PackageName& name) const {
    return "/api/v1/packages/" + name.space() + "/" + name.name();
  }
  std::string release_path(const PackageVersion& id) const {
    return package_path(id.name) + "/" + percent_encode(id.version.to_string());
  }
};

RegistryClient::RegistryClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RegistryClient::~RegistryClient() = default;

Result<std::unique_ptr<RegistryClient>> RegistryClient::create(RegistryClientOptions options) {
  auto normalized = normalize_registry_url(options.registry);
  if (!normalized) return std::move(normalized).error();
  options.registry = *normalized;
  if (protocol_of(options.registry) != RegistryProtocol::kWreg) {
    return fail(ErrorCode::kInvalidArgument,
                "registry " + options.registry +
                    " is not a wreg registry (http:// or https://); wreg reads packages from OCI "
                    "registries (add, fetch, update, get, info) but logs in, publishes, yanks and "
                    "searches only in wreg registries");
  }
  auto transport = transport::Transport::create(
      options.registry, static_cast<const transport::TransportOptions&>(options));
  if (!transport) return std::move(transport).error();
  auto impl = std::make_unique<Impl>();
  impl->transport = std::move(*transport);
  impl->options = std::move(options);
  return std::unique_ptr<RegistryClient>(new RegistryClient(std::move(impl)));
}

const std::string& RegistryClient::registry() const { return impl_->options.registry; }
std::uint64_t RegistryClient::requests_made() const { return impl_->transport->requests_sent(); }

namespace {

std::vector<std::pair<std::string, std::string>> document_headers(const std::string& etag) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (!etag.empty()) headers.emplace_back("If-None-Match", etag);
  return headers;
}

Result<DocumentAnswer> document_answer(const std::string& registry, HttpAnswer answer,
                                       const std::string& etag) {
  if (answer.status == 304) return DocumentAnswer{true, etag, {}};
  if (answer.status != 200) return answer_error(registry, answer);
  return DocumentAnswer{false, std::move(answer.etag), std::move(answer.body)};
}

}  // namespace

Result<DocumentAnswer> RegistryClient::get_package_document(const PackageName& name,
                                                            const std::string& etag) {
  auto answer = impl_->send(http::verb::get, impl_->package_path(name), document_headers(etag), {},
                            kJsonLimit);
  if (!answer) return std::move(answer).error();
  return document_answer(registry(), std::move(*answer), etag);
}

namespace {

// `requests` (bodiless GETs) as one pipelined batch, each answer read with `read(answer, i)`.
// A single request goes the usual way, with its retries, through `ask_alone(i)`, and so does
// what a batch leaves unanswered; once one of those finds the registry unreachable (after its
// retries), the rest share its error instead of each waiting out retries of their own.
template <typename T, typename Read, typename AskAlone>
std::vector<Result<T>> send_as_batch(transport::Transport& transport,
                                     const std::vector<transport::Request>& requests, Read read,
                                     AskAlone ask_alone) {
  std::vector<HttpAnswer> answers;
  if (requests.size() > 1) answers = transport.send_batch(requests, kJsonLimit).answers;
  std::vector<Result<T>> results;
  std::optional<Error> unreachable;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (i < answers.size()) {
      results.push_back(read(std::move(answers[i]), i));
    } else if (unreachable) {
      results.push_back(*unreachable);
    } else {
      results.push_back(ask_alone(i));
      if (!results.back() && results.back().error().code == ErrorCode::kUnavailable) {
        unreachable = results.back().error();
      }
    }
  }
  return results;
}

}  // namespace

std::vector<Result<DocumentAnswer>> RegistryClient::get_package_documents(
    const std::vector<DocumentRequest>& wanted) {
  std::vector<transport::Request> requests;
  for (const auto& request : wanted) {
    requests.push_back(impl_->make_request(http::verb::get, impl_->package_path(request.name),
                                           document_headers(request.etag), {}));
  }
  return send_as_batch<DocumentAnswer>(
      *impl_->transport, requests,
      [&](HttpAnswer answer, std::size_t i) {
        return document_answer(registry(), std::move(answer), wanted[i].etag);
      },
      [&](std::size_t i) { return get_package_document(wanted[i].name, wanted[i].etag); });
}

namespace {

// `answer`'s body read with `parse`; kCorrupt, naming the registry and `what`, when it does not
// read.
template <typename Parse>
auto read_body(const std::string& registry, const HttpAnswer& answer, Parse parse,
               const std::string& what) -> decltype(parse(std::string_view())) {
  auto value = parse(answer.body);
  if (!value) {
    return fail(ErrorCode::kCorrupt,
                "registry " + registry + " sent a bad " + what + ": " + value.error().message);
  }
  return value;
}

}  // namespace

Result<api::ReleaseDocument> RegistryClient::get_release(const PackageVersion& id) {
  auto answer = impl_->send(http::verb::get, impl_->release_path(id), {}, {}, kJsonLimit);
  if (!answer) return std::move(answer).error();
  if (answer->status != 200) return answer_error(registry(), *answer);
  return read_body(registry(), *answer, api::parse_release_document,
                   "release document for " + id.to_string());
}

Result<std::string> RegistryClient::get_wit(const PackageVersion& id) {
  auto answer = impl_->send(http::verb::get, impl_->release_path(id) + "/wit", {}, {}, kJsonLimit);
  if (!answer) return std::move(answer).error();
  if (answer->status != 200) return answer_error(registry(), *answer);
  const std::string type = answer->field("content-type");
  if (!type.starts_with("text/plain")) {
    return fail(ErrorCode::kCorrupt,
                "registry " + registry() + " sent the WIT of " + id.to_string() + " as " +
                    (type.empty() ? std::string("no Content-Type") : wreg::quoted(type)) +
                    ", not text/plain");
  }
  return std::move(answer->body);
}

namespace {

std::string proof_target(const std::string& release_path, std::optional<std::uint64_t> from) {
  return release_path + "/proof" + (from ? "?from=" + std::to_string(*from) : "");
}

Result<api::ReleaseProof> proof_answer(const std::string& registry, const HttpAnswer& answer,
                                       const PackageVersion& id) {
  if (answer.status != 200) return answer_error(registry, answer);
  return read_body(registry, answer, api::parse_release_proof,
                   "transparency log proof of " + id.to_string());
}

}  // namespace

Result<api::ReleaseProof> RegistryClient::get_release_proof(const PackageVersion& id,
                                                            std::optional<std::uint64_t> from) {
  auto answer =
      impl_->send(http::verb::get, proof_target(impl_->release_path(id), from), {}, {}, kJsonLimit);
  if (!answer) return std::move(answer).error();
  return proof_answer(registry(), *answer, id);
}

std::vector<Result<api::ReleaseProof>> RegistryClient::get_release_proofs(
    const std::vector<PackageVersion>& ids, std::optional<std::uint64_t> from) {
  std::vector<transport::Request> requests;
  for (const auto& id : ids) {
    requests.push_back(
        impl_->make_request(http::verb::get, proof_target(impl_->release_path(id), from), {}, {}));
  }
  return send_as_batch<api::ReleaseProof>(
      *impl_->transport, requests,
      [&](HttpAnswer answer, std::size_t i) { return proof_answer(registry(), answer, ids[i]); },
      [&](std::size_t i) { return get_release_proof(ids[i], from); });
}

Result<tlog::ConsistencyBody> RegistryClient::get_consistency(std::uint64_t from,
                                                              std::optional<std::uint64_t> to) {
  std::string target = "/log/consistency?from=" + std::to_string(from);
  if (to) target += "&to=" + std::to_string(*to);
  auto answer = impl_->send(http::verb::get, target, {}, {}, kJsonLimit);
  if (!answer) return std::move(answer).error();
  if (answer->status != 200) return answer_error(registry(), *answer);
  auto body = tlog::parse_consistency_body(answer->body);
  if (!body) {
    return fail(ErrorCode::kCorrupt, "registry " + registry() +
                                         " sent a consistency proof that "
                                         "does not read: " +
                                         body.error().message);
  }
  return std::move(*body);
}

Result<std::string> RegistryClient::get_tile(const std::string& path) {
  // A full entry bundle is 256 entries of up to 64 KiB each in the format, a few KiB in practice.
  auto answer = impl_->send(http::verb::get, "/log/" + path, {}, {}, 256u << 16);
  if (!answer) return std::move(answer).error();
  if (answer->status != 200) return answer_error(registry(), *answer);
  return std::move(answer->body);
}

Result<std::string> RegistryClient::get_log_key() {
  auto answer = impl_->send(http::verb::get, "/log/key", {}, {}, kJsonLimit);
  if (!answer) return std::move(answer).error();
  if (answer->status != 200) return answer_error(registry(), *answer);
  std::string key = std::move(answer->body);
  if (key.ends_with('\n')) key.pop_back();
  return key;
}

Result<api::Published> RegistryClient::publish(const PackageVersion& id, std::string_view bytes,
                                               const Digest& digest,
                                               const TransferProgress& progress) {
  auto answer =
      impl_->send(http::verb::put, impl_->release_path(id),
                  {{"Digest-Sha256", digest.to_string()}, {"Content-Type", "application/wasm"}},
                  std::string(bytes), kJsonLimit, progress);
  if (!answer) return std::move(answer).error();
  if (answer->status != 201 && answer->status != 200) return answer_error(registry(), *answer);
  return read_body(registry(), *answer, api::parse_published,
                   "answer to the publish of " + id.to_string());
}

Result<api::YankState> RegistryClient::set_yanked(const PackageVersion& id, bool yanked) {
  auto answer =
      impl_->send(http::verb::post, impl_->release_path(id) + (yanked ? "/yank" : "/unyank"), {},
                  {}, kJsonLimit);
  if (!answer) return std::move(answer).error();
  if (answer->status / 100 != 2) return answer_error(registry(), *answer);
  return read_body(
      registry(), *answer, api::parse_yank_state,
      std::string("answer to the ") + (yanked ? "yank" : "unyank") + " of " + id.to_string());
}

Result<api::Whoami> RegistryClient::whoami() {
  auto answer = impl_->send(http::verb::get, "/api/v1/whoami", {}, {}, kJsonLimit);
  if (!answer) return std::move(answer).error();
  if (answer->status != 200) return answer_error(registry(), *answer);
  return read_body(registry(), *answer, api::parse_whoami, "whoami answer");
}

Result<api::SearchPage> RegistryClient::search(const SearchParams& params) {
  std::string query;
  auto add = [&](const char* key, const std::string& value) {
    if (value.empty()) return;
    query += query.empty() ? "?" : "&";
    query += std::string(key) + "=" + percent_encode(value);
  };
  add("q", params.text);
  add("exports", params.exports);
  add("imports", params.imports);
  if (params.limit != 0) add("limit", std::to_string(params.limit));
  add("cursor", params.cursor);
  auto answer = impl_->send(http::verb::get, "/api/v1/packages" + query, {}, {}, kJsonLimit);
  if (!answer) return std::move(answer).error();
  if (answer->status != 200) return answer_error(registry(), *answer);
  return read_body(registry(), *answer, api::parse_search_page, "listing");
}

Result<std::string> RegistryClient::get_blob(const Digest& digest, const TransferProgress& progress,
                                             std::uint64_t size) {
  auto answer = impl_->send(http::verb::get, "/api/v1/blobs/" + digest.to_string(), {}, {},
                            size != 0 ? size : kBlobLimit, {}, progress);
  if (!answer) return std::move(answer).error();
  if (answer->status != 200) return answer_error(registry(), *answer);
  return std::move(answer->body);
}

}  // namespace wreg::client
