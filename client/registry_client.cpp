// The only client file that includes Beast and Asio (STYLE.md, "Module boundaries").
//
// Each pooled Connection owns an io_context and runs its own steps to completion on the calling
// thread: an asynchronous operation is started with a deadline on the stream, then the context
// is run until it finishes. That gives synchronous code with Beast's per-operation timeouts, and
// lets several threads download at once, each on its own connection.
#include "client/registry_client.h"

#include <openssl/conf.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <condition_variable>
#include <iterator>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>
#include <vector>

#include "client/config.h"
#include "common/hex.h"

namespace wreg::client {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

// Set by defer_openssl_config(); then read_openssl_config() reads openssl.cnf once.
std::atomic<bool> openssl_config_deferred{false};

// What OpenSSL's own start-up would have done (OPENSSL_init_crypto with
// OPENSSL_INIT_LOAD_CONFIG): the default file (OPENSSL_CONF or the built-in path), a missing
// file or a bad section ignored.
void read_openssl_config() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (!openssl_config_deferred.load()) return;
    OPENSSL_load_builtin_modules();
    (void)CONF_modules_load_file(nullptr, nullptr,
                                 CONF_MFLAGS_DEFAULT_SECTION | CONF_MFLAGS_IGNORE_MISSING_FILE |
                                     CONF_MFLAGS_IGNORE_RETURN_CODES);
    ERR_clear_error();
  });
}

constexpr std::uint64_t kJsonLimit = 64ull << 20;
constexpr std::uint64_t kBlobLimit = 4ull << 30;
// Requests written on one connection before their answers are read (get_package_documents).
constexpr std::size_t kPipelineDepth = 16;

struct Url {
  bool tls = false;
  std::string host;  // without brackets
  std::string port;
  std::string host_header;
  std::string prefix;  // path before /api/v1, without a trailing slash
};

Url split_url(const std::string& normalized) {
  Url url;
  url.tls = normalized.starts_with("https://");
  std::string_view rest = std::string_view(normalized).substr(url.tls ? 8 : 7);
  auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) url.prefix = std::string(rest.substr(slash));
  url.host_header = std::string(authority);
  std::string_view host = authority;
  std::string_view port;
  if (authority.starts_with('[')) {
    auto close = authority.find(']');
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':') {
      port = authority.substr(close + 2);
    }
  } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  url.host = std::string(host);
  url.port = port.empty() ? (url.tls ? "443" : "80") : std::string(port);
  return url;
}

struct Connection {
  // Beast reads at most what the buffer has room for, and it starts with none: 512 bytes would
  // take two reads for the answers to one pipelined batch of 7 documents.
  Connection() { buffer.reserve(64 * 1024); }

  asio::io_context ioc;
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;
  bool connected = false;
  bool reused = false;

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
};

// Starts one asynchronous operation through `start(handler)` and runs the connection's context
// until it completes; returns its error code.
template <typename Start>
beast::error_code run(asio::io_context& ioc, Start&& start) {
  beast::error_code result = asio::error::would_block;
  start([&result](beast::error_code ec, auto&&...) { result = ec; });
  ioc.restart();
  ioc.run();
  return result;
}

// Why one attempt failed, and whether another attempt may help.
struct AttemptFailure {
  Error error;
  bool retry = false;
  bool before_answer = false;  // the connection failed before any of the answer arrived
};

std::string lower_first(std::string text) {
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

std::string describe(const beast::error_code& ec, const RegistryClientOptions& options,
                     bool connecting) {
  if (ec == beast::error::timeout) {
    auto limit = connecting ? options.connect_timeout : options.io_timeout;
    return std::string(connecting ? "connection" : "answer") + " timed out after " +
           std::to_string(limit.count()) + " ms";
  }
  if (ec == asio::error::connection_refused) return "connection refused";
  if (ec == asio::error::host_not_found || ec == asio::error::host_not_found_try_again) {
    return "host not found";
  }
  if (ec == http::error::end_of_stream || ec == asio::error::eof) {
    return "the connection was closed before the answer";
  }
  if (ec.category() == asio::error::get_ssl_category()) {
    std::string reason = ec.message();
    if (auto code = static_cast<unsigned long>(ec.value()); ERR_GET_REASON(code) != 0) {
      if (const char* text = ERR_reason_error_string(code)) reason = text;
    }
    return "TLS failed: " + reason;
  }
  return lower_first(ec.message());
}

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
  try {
    auto json = nlohmann::json::parse(answer.body);
    if (json.contains("error") && json["error"].is_object() && json["error"].contains("message") &&
        json["error"]["message"].is_string()) {
      message = json["error"]["message"].get<std::string>();
    }
  } catch (const nlohmann::json::exception&) {
    message.clear();
  }
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

void defer_openssl_config() {
  OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, nullptr);
  openssl_config_deferred = true;
}

std::string percent_encode(std::string_view text) {
  std::string out;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      append_hex(out, byte, HexCase::kUpper);
    }
  }
  return out;
}

struct RegistryClient::Impl {
  RegistryClientOptions options;
  Url url;
  std::unique_ptr<ssl::context> tls_context;
  std::atomic<std::uint64_t> requests{0};

  std::mutex mutex;
  std::condition_variable released;
  std::vector<std::unique_ptr<Connection>> idle;  // guarded by mutex
  std::size_t open = 0;                           // guarded by mutex: idle + in use

  std::unique_ptr<Connection> acquire() {
    std::unique_lock lock(mutex);
    released.wait(lock, [&] { return !idle.empty() || open < options.max_connections; });
    if (!idle.empty()) {
      auto connection = std::move(idle.back());
      idle.pop_back();
      connection->reused = true;
      return connection;
    }
    ++open;
    return std::make_unique<Connection>();
  }

  void release(std::unique_ptr<Connection> connection, bool keep) {
    {
      std::lock_guard lock(mutex);
      if (keep) {
        idle.push_back(std::move(connection));
      } else {
        --open;
      }
    }
    released.notify_one();
  }

  std::optional<AttemptFailure> connect(Connection& c) {
    auto failure = [&](const beast::error_code& ec) {
      bool tls_error = ec.category() == asio::error::get_ssl_category();
      return AttemptFailure{
          fail(ErrorCode::kUnavailable,
               "cannot reach registry " + options.registry + ": " + describe(ec, options, true)),
          !tls_error, true};
    };
    // An IP literal needs no lookup; a host name is looked up synchronously, which spares the
    // resolver thread Asio would start for an asynchronous lookup.
    std::vector<tcp::endpoint> endpoints;
    beast::error_code ec;
    auto literal = asio::ip::make_address(url.host, ec);
    const bool ip_literal = !ec;
    if (ip_literal) {
      endpoints.emplace_back(literal, static_cast<unsigned short>(std::stoi(url.port)));
    } else {
      tcp::resolver resolver(c.ioc);
      ec = {};
      auto results = resolver.resolve(url.host, url.port, ec);
      if (ec) return failure(ec);
      for (const auto& entry : results) endpoints.push_back(entry.endpoint());
    }
    if (url.tls) {
      c.tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(c.ioc, *tls_context);
    } else {
      c.plain = std::make_unique<beast::tcp_stream>(c.ioc);
    }
    c.lowest().expires_after(options.connect_timeout);
    ec = run(c.ioc, [&](auto handler) { c.lowest().async_connect(endpoints, handler); });
    if (ec) return failure(ec);
    c.lowest().socket().set_option(tcp::no_delay(true), ec);
    if (url.tls) {
      // OpenSSL checks the name during the chain's verification, so a mismatch is reported with
      // the chain's other reasons. An IP literal is matched against the certificate's IP
      // addresses and sent without SNI (RFC 6066 allows only host names there).
      SSL* handle = c.tls->native_handle();
      int set = !ip_literal
                    ? SSL_set_tlsext_host_name(handle, url.host.c_str()) &&
                          SSL_set1_host(handle, url.host.c_str())
                    : X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(handle), url.host.c_str());
      if (set != 1) {
        return AttemptFailure{
            fail(ErrorCode::kIo, "cannot set the TLS server name for " + options.registry), false,
            true};
      }
      c.lowest().expires_after(options.connect_timeout);
      ec = run(c.ioc,
               [&](auto handler) { c.tls->async_handshake(ssl::stream_base::client, handler); });
      if (ec) {
        auto failed = failure(ec);
        long verdict = SSL_get_verify_result(handle);
        if (verdict != X509_V_OK) {
          failed.error.message += std::string(" (") + X509_verify_cert_error_string(verdict) +
                                  "); to trust a private CA, set ca_file in wreg's config.toml";
        }
        return failed;
      }
    }
    c.connected = true;
    return std::nullopt;
  }

  AttemptFailure exchange_failure(const beast::error_code& ec, bool before_answer) const {
    return AttemptFailure{
        fail(ErrorCode::kUnavailable,
             "cannot reach registry " + options.registry + ": " + describe(ec, options, false)),
        true, before_answer};
  }

  // Writes `request` on the connection; a failure is before any answer.
  template <typename Stream>
  std::optional<AttemptFailure> write_request(Connection& c, Stream& stream,
                                              http::request<http::string_body>& request,
                                              const TransferProgress& upload) {
    ++requests;
    http::request_serializer<http::string_body> serializer(request);
    std::uint64_t body_size = request.body().size();
    std::uint64_t written = 0;
    while (!serializer.is_done()) {
      c.lowest().expires_after(options.io_timeout);
      std::size_t n = 0;
      auto ec = run(c.ioc, [&](auto handler) {
        http::async_write_some(stream, serializer,
                               [&, handler](beast::error_code e, std::size_t bytes) {
                                 n = bytes;
                                 handler(e);
                               });
      });
      if (ec) return exchange_failure(ec, true);
      written += n;
      if (upload) upload(std::min(written, body_size), body_size);
    }
    return std::nullopt;
  }

  // Writes bodiless `batch` at once, so that the server reads the whole batch with one read
  // rather than waking up for each request.
  template <typename Stream>
  std::optional<AttemptFailure> write_requests(
      Connection& c, Stream& stream, std::vector<http::request<http::string_body>>& batch) {
    std::string wire;
    for (auto& request : batch) {
      ++requests;
      std::ostringstream text;
      text << request;
      wire += text.str();
    }
    c.lowest().expires_after(options.io_timeout);
    auto ec = run(c.ioc, [&](auto handler) {
      asio::async_write(stream, asio::buffer(wire),
                        [handler](beast::error_code e, std::size_t) { handler(e); });
    });
    if (ec) return exchange_failure(ec, true);
    return std::nullopt;
  }

  // Reads the next answer on the connection; `keep_alive` says whether it may be used again.
  template <typename Stream>
  std::variant<HttpAnswer, AttemptFailure> read_answer(Connection& c, Stream& stream,
                                                       std::uint64_t limit,
                                                       const TransferProgress& download,
                                                       bool& keep_alive) {
    keep_alive = false;
    http::response_parser<http::string_body> parser;
    parser.body_limit(limit);
    c.lowest().expires_after(options.io_timeout);
    // Past `limit`: refused, not retried. A Content-Length says so with the header already.
    auto too_large = [&] {
      return AttemptFailure{
          fail(ErrorCode::kTooLarge, "registry " + options.registry + " sent an answer past " +
                                         std::to_string(limit) + " bytes"),
          false, false};
    };
    auto ec = run(c.ioc, [&](auto handler) {
      http::async_read_header(stream, c.buffer, parser,
                              [handler](beast::error_code e, std::size_t) { handler(e); });
    });
    if (ec == http::error::body_limit) return too_large();
    if (ec) return exchange_failure(ec, true);
    std::uint64_t total = parser.content_length().value_or(0);
    while (!parser.is_done()) {
      c.lowest().expires_after(options.io_timeout);
      ec = run(c.ioc, [&](auto handler) {
        http::async_read_some(stream, c.buffer, parser,
                              [handler](beast::error_code e, std::size_t) { handler(e); });
      });
      if (ec == http::error::body_limit) return too_large();
      if (ec) return exchange_failure(ec, false);
      if (download) download(parser.get().body().size(), total);
    }
    auto& response = parser.get();
    keep_alive = response.keep_alive();
    HttpAnswer answer;
    answer.status = static_cast<int>(response.result_int());
    if (auto it = response.find(http::field::etag); it != response.end()) {
      answer.etag = std::string(it->value());
    }
    answer.body = std::move(response.body());
    return answer;
  }

  template <typename Stream>
  std::variant<HttpAnswer, AttemptFailure> exchange(
      Connection& c, Stream& stream, http::request<http::string_body>& request, std::uint64_t limit,
      const TransferProgress& upload, const TransferProgress& download, bool& keep_alive) {
    keep_alive = false;
    if (auto failed = write_request(c, stream, request, upload)) return std::move(*failed);
    return read_answer(c, stream, limit, download, keep_alive);
  }

  // Pipelined GETs (HTTP/1.1): every request written on one connection, then the answers read in
  // order. Returns the answers that came (a prefix of `batch`, without 5xx answers or what
  // follows them); the caller sends the rest again one by one, with send()'s retries.
  std::vector<HttpAnswer> send_pipelined(std::vector<http::request<http::string_body>>& batch,
                                         std::uint64_t limit) {
    std::vector<HttpAnswer> answers;
    auto connection = acquire();
    if (!connection->connected && connect(*connection)) {
      release(std::move(connection), false);
      return answers;
    }
    bool keep_alive = true;
    auto pipeline = [&](auto& stream) {
      if (write_requests(*connection, stream, batch)) {
        keep_alive = false;
        return;
      }
      while (answers.size() < batch.size() && keep_alive) {
        auto outcome = read_answer(*connection, stream, limit, {}, keep_alive);
        auto* answer = std::get_if<HttpAnswer>(&outcome);
        if (!answer || answer->status >= 500) {
          keep_alive = false;
          return;
        }
        answers.push_back(std::move(*answer));
      }
    };
    if (connection->tls) {
      pipeline(*connection->tls);
    } else {
      pipeline(*connection->plain);
    }
    release(std::move(connection), keep_alive && answers.size() == batch.size());
    return answers;
  }

  http::request<http::string_body> make_request(
      http::verb method, const std::string& target,
      std::vector<std::pair<std::string, std::string>> headers, std::string body) const {
    http::request<http::string_body> request{method, url.prefix + target, 11};
    request.set(http::field::host, url.host_header);
    request.set(http::field::user_agent, std::string("wreg/") + WREG_VERSION);
    request.set(http::field::accept, "application/json");
    if (options.token) request.set(http::field::authorization, "Bearer " + *options.token);
    for (auto& [name, value] : headers) request.set(name, value);
    request.keep_alive(true);
    if (method == http::verb::put || method == http::verb::post) {
      request.body() = std::move(body);
      request.prepare_payload();
    }
    return request;
  }

  Result<HttpAnswer> send(http::verb method, const std::string& target,
                          std::vector<std::pair<std::string, std::string>> headers,
                          std::string body, std::uint64_t limit,
                          const TransferProgress& upload = {},
                          const TransferProgress& download = {}) {
    auto request = make_request(method, target, std::move(headers), std::move(body));
    auto backoff = options.first_backoff;
    bool free_retry = true;  // a kept-alive connection the server closed meanwhile
    std::optional<Error> last_error;
    for (int attempt = 0; attempt < options.max_attempts;) {
      auto connection = acquire();
      if (!connection->connected) {
        if (auto failed = connect(*connection)) {
          release(std::move(connection), false);
          if (!failed->retry) return std::move(failed->error);
          last_error = std::move(failed->error);
          if (++attempt < options.max_attempts) {
            std::this_thread::sleep_for(backoff);
            backoff *= 2;
          }
          continue;
        }
      }
      bool keep_alive = false;
      auto outcome = connection->tls ? exchange(*connection, *connection->tls, request, limit,
                                                upload, download, keep_alive)
                                     : exchange(*connection, *connection->plain, request, limit,
                                                upload, download, keep_alive);
      bool was_reused = connection->reused;
      release(std::move(connection), keep_alive && outcome.index() == 0);
      if (auto* failed = std::get_if<AttemptFailure>(&outcome)) {
        if (!failed->retry) return std::move(failed->error);
        if (was_reused && failed->before_answer && free_retry) {
          free_retry = false;
          continue;
        }
        last_error = std::move(failed->error);
      } else {
        auto& answer = std::get<HttpAnswer>(outcome);
        if (answer.status < 500) return std::move(answer);
        last_error = answer_error(options.registry, answer);
      }
      if (++attempt < options.max_attempts) {
        std::this_thread::sleep_for(backoff);
        backoff *= 2;
      }
    }
    return std::move(*last_error);
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
  if (options.max_connections == 0) options.max_connections = 1;
  if (options.max_attempts < 1) options.max_attempts = 1;
  auto impl = std::make_unique<Impl>();
  impl->url = split_url(options.registry);
  if (impl->url.tls) {
    read_openssl_config();
    try {
      impl->tls_context = std::make_unique<ssl::context>(ssl::context::tls_client);
      impl->tls_context->set_default_verify_paths();
      if (!options.ca_file.empty()) impl->tls_context->load_verify_file(options.ca_file.string());
      impl->tls_context->set_verify_mode(ssl::verify_peer);
      impl->tls_context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                                     ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                                     ssl::context::no_tlsv1_1);
    } catch (const boost::system::system_error& e) {
      return fail(ErrorCode::kIo,
                  std::string("cannot set up TLS") +
                      (options.ca_file.empty() ? "" : " with ca_file " + options.ca_file.string()) +
                      ": " + e.what());
    }
  }
  impl->options = std::move(options);
  return std::unique_ptr<RegistryClient>(new RegistryClient(std::move(impl)));
}

const std::string& RegistryClient::registry() const { return impl_->options.registry; }
bool RegistryClient::has_token() const { return impl_->options.token.has_value(); }
std::uint64_t RegistryClient::requests_made() const { return impl_->requests.load(); }

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

std::vector<Result<DocumentAnswer>> RegistryClient::get_package_documents(
    const std::vector<DocumentRequest>& wanted) {
  std::vector<http::request<http::string_body>> requests;
  for (const auto& request : wanted) {
    requests.push_back(impl_->make_request(http::verb::get, impl_->package_path(request.name),
                                           document_headers(request.etag), {}));
  }
  // Pipelined kPipelineDepth at a time: what is written before any answer is read must fit in
  // the socket buffers, or a large batch would leave client and server both waiting to write.
  std::vector<HttpAnswer> answers;
  for (std::size_t start = 0; wanted.size() > 1 && start < requests.size();
       start += kPipelineDepth) {
    const std::size_t end = std::min(requests.size(), start + kPipelineDepth);
    std::vector<http::request<http::string_body>> round(
        std::make_move_iterator(requests.begin() + static_cast<std::ptrdiff_t>(start)),
        std::make_move_iterator(requests.begin() + static_cast<std::ptrdiff_t>(end)));
    auto answered = impl_->send_pipelined(round, kJsonLimit);
    const bool complete = answered.size() == round.size();
    std::move(answered.begin(), answered.end(), std::back_inserter(answers));
    if (!complete) break;  // the rest one by one below, with send()'s retries
  }
  std::vector<Result<DocumentAnswer>> results;
  // Once one request of the rest finds the registry unreachable (after its retries), the others
  // share its error instead of each waiting out retries of their own.
  std::optional<Error> unreachable;
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    if (i < answers.size()) {
      results.push_back(document_answer(registry(), std::move(answers[i]), wanted[i].etag));
    } else if (unreachable) {
      results.push_back(*unreachable);
    } else {
      results.push_back(get_package_document(wanted[i].name, wanted[i].etag));
      if (!results.back() && results.back().error().code == ErrorCode::kUnavailable) {
        unreachable = results.back().error();
      }
    }
  }
  return results;
}

Result<std::string> RegistryClient::get_release(const PackageVersion& id) {
  auto answer = impl_->send(http::verb::get, impl_->release_path(id), {}, {}, kJsonLimit);
  if (!answer) return std::move(answer).error();
  if (answer->status != 200) return answer_error(registry(), *answer);
  return std::move(answer->body);
}

Result<PublishAnswer> RegistryClient::publish(const PackageVersion& id, std::string_view bytes,
                                              const Digest& digest,
                                              const TransferProgress& progress) {
  auto answer =
      impl_->send(http::verb::put, impl_->release_path(id),
                  {{"Digest-Sha256", digest.to_string()}, {"Content-Type", "application/wasm"}},
                  std::string(bytes), kJsonLimit, progress);
  if (!answer) return std::move(answer).error();
  if (answer->status == 201) return PublishAnswer{true};
  if (answer->status == 200) return PublishAnswer{false};
  return answer_error(registry(), *answer);
}

Result<void> RegistryClient::set_yanked(const PackageVersion& id, bool yanked) {
  auto answer =
      impl_->send(http::verb::post, impl_->release_path(id) + (yanked ? "/yank" : "/unyank"), {},
                  {}, kJsonLimit);
  if (!answer) return std::move(answer).error();
  if (answer->status / 100 != 2) return answer_error(registry(), *answer);
  return {};
}

Result<std::string> RegistryClient::search(const SearchParams& params) {
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
  return std::move(answer->body);
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
