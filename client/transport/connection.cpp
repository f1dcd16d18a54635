#include "client/transport/connection.h"

#include <openssl/conf.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <mutex>
#include <sstream>
#include <vector>

#include "client/transport/options.h"
#include "common/text.h"

namespace wreg::client::transport {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

class TlsContext {
 public:
  ssl::context context{ssl::context::tls_client};
};

namespace {

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

std::string lower_first(std::string text) {
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

// The most of a proxy's answer to CONNECT that is read: a status line and a few fields.
constexpr std::size_t kProxyAnswerLimit = 8 * 1024;

// Which deadline a step ran under, for the message of a timeout.
enum class Step { kConnecting, kExchanging };

std::string describe(const beast::error_code& ec, const ConnectionSettings& settings, Step step) {
  if (ec == beast::error::timeout) {
    const bool connecting = step == Step::kConnecting;
    auto limit = connecting ? settings.connect_timeout : settings.io_timeout;
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

// The body is referred to, not copied: a publish's bytes stay where the caller has them.
using WireRequest = http::request<http::span_body<const char>>;

WireRequest wire_request(const Request& request, const Endpoint& endpoint) {
  WireRequest wire{request.method, endpoint.prefix + request.target, 11};
  wire.set(http::field::host, endpoint.host_header);
  for (const auto& [name, value] : request.headers) wire.set(name, value);
  wire.keep_alive(true);
  if (request.method == http::verb::put || request.method == http::verb::post) {
    wire.body() = {request.body.data(), request.body.size()};
    wire.prepare_payload();
  }
  return wire;
}

}  // namespace

void defer_openssl_config() {
  OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, nullptr);
  openssl_config_deferred = true;
}

Result<std::shared_ptr<TlsContext>> make_tls_context(const std::filesystem::path& ca_file) {
  read_openssl_config();
  try {
    auto tls = std::make_shared<TlsContext>();
    tls->context.set_default_verify_paths();
    if (!ca_file.empty()) tls->context.load_verify_file(ca_file.string());
    tls->context.set_verify_mode(ssl::verify_peer);
    tls->context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                             ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                             ssl::context::no_tlsv1_1);
    return tls;
  } catch (const boost::system::system_error& e) {
    return fail(ErrorCode::kIo, std::string("cannot set up TLS") +
                                    (ca_file.empty() ? "" : " with ca_file " + ca_file.string()) +
                                    ": " + e.what());
  }
}

struct Connection::Impl {
  // Beast reads at most what the buffer has room for, and it starts with none: 512 bytes would
  // take two reads for the answers to one pipelined batch of 7 documents.
  explicit Impl(const ConnectionSettings& s) : settings(s) { buffer.reserve(64 * 1024); }

  const ConnectionSettings& settings;
  asio::io_context ioc;
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;
  bool connected = false;
  std::uint64_t answers = 0;  // answers read in full

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }

  // `step(stream)` on the TLS stream or the plain one.
  template <typename Step>
  auto on_stream(Step&& step) {
    return tls ? step(*tls) : step(*plain);
  }

  void count_sent(std::size_t requests) const {
    if (settings.requests_sent != nullptr) *settings.requests_sent += requests;
  }

  // `cannot reach registry URL`, and the proxy when there is one: how every failure starts.
  std::string cannot_reach() const {
    return "cannot reach registry " + settings.registry +
           (settings.proxy ? " through proxy " + settings.proxy->url : "");
  }

  Failure unreachable(const beast::error_code& ec) const {
    const bool tls_error = ec.category() == asio::error::get_ssl_category();
    return Failure{tls_error ? Failure::Kind::kTlsRefused : Failure::Kind::kUnreachable,
                   fail(ErrorCode::kUnavailable,
                        cannot_reach() + ": " + describe(ec, settings, Step::kConnecting)),
                   true};
  }

  Failure broken(const beast::error_code& ec, bool before_answer) const {
    return Failure{Failure::Kind::kBroken,
                   fail(ErrorCode::kUnavailable,
                        cannot_reach() + ": " + describe(ec, settings, Step::kExchanging)),
                   before_answer};
  }

  Failure proxy_failure(Failure::Kind kind, const std::string& what) const {
    return Failure{kind, fail(ErrorCode::kUnavailable, cannot_reach() + ": " + what), true};
  }

  // Asks the proxy, on the connected socket, for a tunnel to the endpoint (connection.h).
  std::optional<Failure> open_tunnel() {
    const Proxy& proxy = *settings.proxy;
    const Endpoint& endpoint = settings.endpoint;
    const bool ipv6 = endpoint.host.find(':') != std::string::npos;
    const std::string target =
        (ipv6 ? "[" + endpoint.host + "]" : endpoint.host) + ":" + endpoint.port;
    std::string head = "CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n";
    if (!proxy.authorization.empty()) {
      head += "Proxy-Authorization: " + proxy.authorization + "\r\n";
    }
    head += "\r\n";
    lowest().expires_after(settings.connect_timeout);
    auto ec = run(ioc, [&](auto handler) {
      asio::async_write(lowest(), asio::buffer(head),
                        [handler](beast::error_code e, std::size_t) { handler(e); });
    });
    if (ec) return unreachable(ec);

    // A 2xx answer to CONNECT has no body (RFC 9110, 9.3.6), whatever its fields say.
    http::response_parser<http::empty_body> parser;
    parser.skip(true);
    parser.header_limit(kProxyAnswerLimit);
    beast::flat_buffer answer(kProxyAnswerLimit);
    lowest().expires_after(settings.connect_timeout);
    ec = run(ioc, [&](auto handler) {
      http::async_read_header(lowest(), answer, parser,
                              [handler](beast::error_code e, std::size_t) { handler(e); });
    });
    const std::string check = "; check that " + proxy.variable + " names an HTTP proxy";
    // Not tried again: a proxy that takes the connection and stays silent is rarely busy, and
    // more often not an HTTP proxy at all (a wrong port), which more attempts would only slow.
    if (ec == beast::error::timeout) {
      return proxy_failure(Failure::Kind::kSetup,
                           "the proxy did not answer CONNECT within " +
                               std::to_string(settings.connect_timeout.count()) + " ms" + check);
    }
    if (ec == http::error::end_of_stream || ec == asio::error::eof ||
        ec == asio::error::connection_reset) {
      return proxy_failure(Failure::Kind::kUnreachable,
                           "the proxy closed the connection without answering CONNECT" + check);
    }
    if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
      return proxy_failure(Failure::Kind::kSetup, "the proxy's answer to CONNECT is over " +
                                                      std::to_string(kProxyAnswerLimit / 1024) +
                                                      " KiB" + check);
    }
    if (ec.category() == http::make_error_code(http::error::bad_version).category()) {
      return proxy_failure(Failure::Kind::kSetup,
                           "the proxy's answer to CONNECT is not HTTP" + check);
    }
    if (ec) return unreachable(ec);

    const unsigned status = parser.get().result_int();
    if (status >= 200 && status < 300) {
      // The registry speaks only after the client, so nothing may have come after the answer.
      if (answer.size() != 0) {
        return proxy_failure(Failure::Kind::kSetup,
                             "the proxy sent bytes after its answer to CONNECT" + check);
      }
      return std::nullopt;
    }
    std::string what =
        "the proxy answered CONNECT " + target + " with HTTP " + std::to_string(status);
    // Beast's text for a status, not the proxy's reason phrase: that is outside text.
    if (auto known = http::int_to_status(status); known != http::status::unknown) {
      what += " (" + std::string(http::obsolete_reason(known)) + ")";
    }
    if (status == 407) {
      return proxy_failure(
          Failure::Kind::kSetup,
          what + (proxy.authorization.empty()
                      ? "; the proxy wants a user and password: set " + proxy.variable +
                            " to http://USER:PASSWORD@HOST:PORT"
                      : "; it did not take the user and password in " + proxy.variable +
                            ": check them (%-escape any @ : / in them)"));
    }
    if (status >= 500) {
      return proxy_failure(Failure::Kind::kUnreachable,
                           what +
                               "; the proxy could not reach the registry: check its URL, or "
                               "try again later");
    }
    return proxy_failure(
        Failure::Kind::kSetup,
        what +
            "; the proxy does not allow a tunnel to that host and port: ask its "
            "administrator, or add the host to NO_PROXY if it can be reached directly");
  }

  std::optional<Failure> connect() {
    const Endpoint& endpoint = settings.endpoint;
    // Through a proxy, only the proxy's name is looked up here; the registry's is the proxy's
    // to look up. An IP literal needs no lookup; a host name is looked up synchronously, which
    // spares the resolver thread Asio would start for an asynchronous lookup.
    const std::string& dial_host = settings.proxy ? settings.proxy->host : endpoint.host;
    const std::string& dial_port = settings.proxy ? settings.proxy->port : endpoint.port;
    std::vector<tcp::endpoint> endpoints;
    beast::error_code ec;
    auto literal = asio::ip::make_address(dial_host, ec);
    if (!ec) {
      endpoints.emplace_back(literal, static_cast<unsigned short>(std::stoi(dial_port)));
    } else {
      tcp::resolver resolver(ioc);
      ec = {};
      auto results = resolver.resolve(dial_host, dial_port, ec);
      if (ec) return unreachable(ec);
      for (const auto& entry : results) endpoints.push_back(entry.endpoint());
    }
    (void)asio::ip::make_address(endpoint.host, ec);
    const bool ip_literal = !ec;
    if (settings.tls) {
      tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(ioc, settings.tls->context);
    } else {
      plain = std::make_unique<beast::tcp_stream>(ioc);
    }
    lowest().expires_after(settings.connect_timeout);
    ec = run(ioc, [&](auto handler) { lowest().async_connect(endpoints, handler); });
    if (ec) return unreachable(ec);
    lowest().socket().set_option(tcp::no_delay(true), ec);
    if (settings.proxy) {
      if (auto failed = open_tunnel()) return failed;
    }
    if (tls) {
      // OpenSSL checks the name during the chain's verification, so a mismatch is reported with
      // the chain's other reasons. An IP literal is matched against the certificate's IP
      // addresses and sent without SNI (RFC 6066 allows only host names there).
      SSL* handle = tls->native_handle();
      int set = !ip_literal
                    ? SSL_set_tlsext_host_name(handle, endpoint.host.c_str()) &&
                          SSL_set1_host(handle, endpoint.host.c_str())
                    : X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(handle), endpoint.host.c_str());
      if (set != 1) {
        return Failure{
            Failure::Kind::kSetup,
            fail(ErrorCode::kIo, "cannot set the TLS server name for " + settings.registry), true};
      }
      lowest().expires_after(settings.connect_timeout);
      ec = run(ioc, [&](auto handler) { tls->async_handshake(ssl::stream_base::client, handler); });
      if (ec) {
        auto failed = unreachable(ec);
        long verdict = SSL_get_verify_result(handle);
        if (verdict != X509_V_OK) {
          failed.error.message += std::string(" (") + X509_verify_cert_error_string(verdict) +
                                  "); to trust a private CA, set ca_file in wreg's config.toml";
        }
        return failed;
      }
    }
    connected = true;
    return std::nullopt;
  }

  // Writes `request`; a failure is before any answer.
  template <typename Stream>
  std::optional<Failure> write(Stream& stream, const Request& request, const Progress& upload) {
    count_sent(1);
    auto wire = wire_request(request, settings.endpoint);
    http::request_serializer<http::span_body<const char>> serializer(wire);
    const std::uint64_t body_size = request.body.size();
    std::uint64_t written = 0;
    while (!serializer.is_done()) {
      lowest().expires_after(settings.io_timeout);
      std::size_t n = 0;
      auto ec = run(ioc, [&](auto handler) {
        http::async_write_some(stream, serializer,
                               [&, handler](beast::error_code e, std::size_t bytes) {
                                 n = bytes;
                                 handler(e);
                               });
      });
      if (ec) return broken(ec, true);
      written += n;
      if (upload) upload(std::min(written, body_size), body_size);
    }
    return std::nullopt;
  }

  template <typename Stream>
  std::optional<Failure> write_all(Stream& stream, std::span<const Request> requests) {
    std::string wire;
    for (const auto& request : requests) {
      count_sent(1);
      std::ostringstream text;
      text << wire_request(request, settings.endpoint);
      wire += text.str();
    }
    lowest().expires_after(settings.io_timeout);
    auto ec = run(ioc, [&](auto handler) {
      asio::async_write(stream, asio::buffer(wire),
                        [handler](beast::error_code e, std::size_t) { handler(e); });
    });
    if (ec) return broken(ec, true);
    return std::nullopt;
  }

  template <typename Stream>
  std::variant<Answer, Failure> read(Stream& stream, std::uint64_t limit,
                                     const Progress& download) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(limit);
    lowest().expires_after(settings.io_timeout);
    // Past `limit`: refused, not retried. A Content-Length says so with the header already.
    auto too_large = [&] {
      return Failure{
          Failure::Kind::kTooLarge,
          fail(ErrorCode::kTooLarge, "registry " + settings.registry + " sent an answer past " +
                                         std::to_string(limit) + " bytes"),
          false};
    };
    auto too_slow = [&] {
      auto seconds = std::chrono::duration_cast<std::chrono::seconds>(settings.stall_timeout);
      return Failure{
          Failure::Kind::kTooSlow,
          fail(ErrorCode::kUnavailable,
               "registry " + settings.registry + " sent fewer than " + std::to_string(kStallBytes) +
                   " bytes in " + std::to_string(seconds.count()) +
                   " s and was given up; try again later, or raise stall_seconds in "
                   "config.toml for a slow link"),
          false};
    };
    auto ec = run(ioc, [&](auto handler) {
      http::async_read_header(stream, buffer, parser,
                              [handler](beast::error_code e, std::size_t) { handler(e); });
    });
    if (ec == http::error::body_limit) return too_large();
    if (ec) return broken(ec, true);
    std::uint64_t total = parser.content_length().value_or(0);
    auto window_start = std::chrono::steady_clock::now();
    std::size_t window_bytes = 0;  // the body's size when the window started
    while (!parser.is_done()) {
      lowest().expires_after(settings.io_timeout);
      ec = run(ioc, [&](auto handler) {
        http::async_read_some(stream, buffer, parser,
                              [handler](beast::error_code e, std::size_t) { handler(e); });
      });
      if (ec == http::error::body_limit) return too_large();
      if (ec) return broken(ec, false);
      const std::size_t received = parser.get().body().size();
      if (download) download(received, total);
      if (auto now = std::chrono::steady_clock::now();
          now - window_start >= settings.stall_timeout) {
        if (received - window_bytes < kStallBytes) return too_slow();
        window_start = now;
        window_bytes = received;
      }
    }
    auto& response = parser.get();
    Answer answer;
    answer.status = static_cast<int>(response.result_int());
    if (auto it = response.find(http::field::etag); it != response.end()) {
      answer.etag = std::string(it->value());
    }
    for (const auto& field : response) {
      if (field.name() == http::field::etag) continue;
      answer.fields.emplace_back(
          ascii_lowercase(std::string_view(field.name_string().data(), field.name_string().size())),
          std::string(field.value()));
    }
    answer.body = std::move(response.body());
    answer.keep_alive = response.keep_alive();
    ++answers;
    return answer;
  }
};

Connection::Connection(const ConnectionSettings& settings)
    : impl_(std::make_unique<Impl>(settings)) {}
Connection::~Connection() = default;

bool Connection::connected() const { return impl_->connected; }
bool Connection::reused() const { return impl_->answers > 0; }

std::optional<Failure> Connection::connect() { return impl_->connect(); }

std::variant<Answer, Failure> Connection::exchange(const Request& request, std::uint64_t limit,
                                                   const Progress& upload,
                                                   const Progress& download) {
  return impl_->on_stream([&](auto& stream) -> std::variant<Answer, Failure> {
    if (auto failed = impl_->write(stream, request, upload)) {
      // A server may answer before it has read the body (a refusal: 401, 403, 413) and then
      // close the connection, which fails the rest of the send; its answer is already here, and
      // it is the registry's word on the request, not a network failure to retry. When there is
      // none (the connection was really lost), the send's own failure stands.
      if (failed->kind != Failure::Kind::kBroken) return std::move(*failed);
      auto answer = impl_->read(stream, limit, download);
      auto* refusal = std::get_if<Answer>(&answer);
      if (refusal == nullptr) return std::move(*failed);
      refusal->keep_alive = false;
      return answer;
    }
    return impl_->read(stream, limit, download);
  });
}

std::optional<Failure> Connection::write_all(std::span<const Request> requests) {
  return impl_->on_stream([&](auto& stream) { return impl_->write_all(stream, requests); });
}

std::variant<Answer, Failure> Connection::read_answer(std::uint64_t limit,
                                                      const Progress& download) {
  return impl_->on_stream([&](auto& stream) { return impl_->read(stream, limit, download); });
}

}  // namespace wreg::client::transport
