#include "tests/integration/fake_oci_registry.h"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/detail/base64.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cctype>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/integration/oci_wire.h"

namespace wreg::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// The repository of a /v2/<repository>/{manifests,blobs,tags}/... path; "" for any other path.
std::string repository_of(const std::string& path) {
  for (const char* kind : {"/manifests/", "/blobs/", "/tags/"}) {
    const auto at = path.find(kind);
    if (path.starts_with("/v2/") && at != std::string::npos && at > 4)
      return path.substr(4, at - 4);
  }
  return "";
}

std::string base64(const std::string& text) {
  std::string out(beast::detail::base64::encoded_size(text.size()), '\0');
  out.resize(beast::detail::base64::encode(out.data(), text.data(), text.size()));
  return out;
}

}  // namespace

std::optional<std::string> FakeRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (same_name(key, name)) return value;
  }
  return std::nullopt;
}

std::string FakeRequest::path() const { return target.substr(0, target.find('?')); }

FakeAnswer content_answer(std::string body, std::string content_type, int status) {
  return FakeAnswer{status, {{"Content-Type", std::move(content_type)}}, std::move(body), {}, {}};
}

FakeAnswer oci_error_answer(int status, const std::string& code, const std::string& message) {
  return content_answer(nlohmann::json{{"errors", {{{"code", code}, {"message", message}}}}}.dump(),
                        "application/json", status);
}

FakeAnswer redirect_answer(const std::string& location, int status) {
  return FakeAnswer{status, {{"Location", location}}, "", {}, {}};
}

FakeAnswer tags_answer(const std::string& repository, const std::vector<std::string>& tags,
                       const std::string& next) {
  FakeAnswer answer = content_answer(nlohmann::json{{"name", repository}, {"tags", tags}}.dump(),
                                     "application/json");
  if (!next.empty()) answer.headers.emplace_back("Link", "<" + next + ">; rel=\"next\"");
  return answer;
}

std::vector<std::string> numbered_tags(std::size_t count) {
  std::vector<std::string> tags;
  tags.reserve(count);
  for (std::size_t i = 0; i < count; ++i) tags.push_back("0.0." + std::to_string(i));
  return tags;
}

struct FakeOciRegistry::State {
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::thread thread;

  // Guards what follows: the test's thread sets it while the registry's thread reads it.
  mutable std::mutex mutex;
  std::map<std::string, FakeAnswer> table;
  std::map<std::string, std::vector<std::string>> tags;  // serve_artifact()'s tags per repository
  Handler handler;
  std::optional<std::string> token;
  std::optional<std::string> basic;
  std::vector<FakeRequest> requests;

  // Accepts connections, each served by a Session, until the io_context stops.
  void do_accept(FakeOciRegistry& registry);
};

// One connection: read a request, answer it (dripping if asked), and again while both sides keep
// the connection alive. Runs on the registry's thread only.
class FakeOciRegistry::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, FakeOciRegistry& registry)
      : socket_(std::move(socket)), timer_(socket_.get_executor()), registry_(registry) {}

  void do_read() {
    request_ = {};
    http::async_read(socket_, buffer_, request_,
                     [self = shared_from_this()](beast::error_code error, std::size_t) {
                       self->on_read(error);
                     });
  }

 private:
  void on_read(beast::error_code error) {
    if (error) return close();
    FakeRequest request{
        std::string(request_.method_string()), std::string(request_.target()), {}, request_.body()};
    for (const auto& field : request_) {
      request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    const FakeAnswer answer = registry_.answer_for(request);
    const bool head = request.method == "HEAD";
    const std::uint64_t length = answer.content_length.value_or(answer.body.size());
    keep_alive_ = request_.keep_alive() && length == answer.body.size();

    std::string reason(http::obsolete_reason(static_cast<http::status>(answer.status)));
    out_ = "HTTP/1.1 " + std::to_string(answer.status) + " " + reason + "\r\n";
    for (const auto& [name, value] : answer.headers) out_ += name + ": " + value + "\r\n";
    out_ += "Content-Length: " + std::to_string(length) + "\r\n";
    if (!keep_alive_) out_ += "Connection: close\r\n";
    out_ += "\r\n";
    body_ = head ? "" : answer.body;
    drip_ = answer.drip;
    sent_ = 0;
    if (drip_.count() <= 0) out_ += body_;
    asio::async_write(socket_, asio::buffer(out_),
                      [self = shared_from_this()](beast::error_code written, std::size_t) {
                        self->on_head(written);
                      });
  }

  void on_head(beast::error_code error) {
    if (error) return close();
    if (drip_.count() <= 0) return on_body();
    do_drip();
  }

  void do_drip() {
    if (sent_ == body_.size()) return on_body();
    asio::async_write(socket_, asio::buffer(body_.data() + sent_, 1),
                      [self = shared_from_this()](beast::error_code error, std::size_t) {
                        self->on_drip(error);
                      });
  }

  void on_drip(beast::error_code error) {
    if (error) return close();
    if (++sent_ == body_.size()) return on_body();
    timer_.expires_after(drip_);
    timer_.async_wait([self = shared_from_this()](beast::error_code waited) {
      if (waited) return self->close();
      self->do_drip();
    });
  }

  void on_body() {
    if (keep_alive_) return do_read();
    close();
  }

  void close() {
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  tcp::socket socket_;
  asio::steady_timer timer_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  FakeOciRegistry& registry_;
  std::string out_;
  std::string body_;
  std::chrono::milliseconds drip_{0};
  std::size_t sent_ = 0;
  bool keep_alive_ = false;
};

void FakeOciRegistry::State::do_accept(FakeOciRegistry& registry) {
  acceptor.async_accept([this, &registry](beast::error_code error, tcp::socket socket) {
    if (error) return;  // the acceptor is closed
    std::make_shared<Session>(std::move(socket), registry)->do_read();
    do_accept(registry);
  });
}

FakeOciRegistry::FakeOciRegistry() : state_(std::make_unique<State>()) {
  beast::error_code error;
  const tcp::endpoint endpoint(asio::ip::address_v4::loopback(), 0);
  state_->acceptor.open(endpoint.protocol(), error);
  if (!error) state_->acceptor.bind(endpoint, error);
  if (!error) state_->acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) return;
  port_ = state_->acceptor.local_endpoint().port();
  state_->do_accept(*this);
  state_->thread = std::thread([this] { state_->io.run(); });
}

FakeOciRegistry::~FakeOciRegistry() {
  // Stopping the io_context abandons every pending read, write and drip timer; the sessions they
  // hold are destroyed with it, closing their sockets.
  state_->io.stop();
  if (state_->thread.joinable()) state_->thread.join();
}

void FakeOciRegistry::answer(const std::string& target, FakeAnswer answer) {
  std::lock_guard lock(state_->mutex);
  state_->table[target] = std::move(answer);
}

void FakeOciRegistry::handle(Handler handler) {
  std::lock_guard lock(state_->mutex);
  state_->handler = std::move(handler);
}

void FakeOciRegistry::serve_artifact(const std::string& repository, const std::string& tag,
                                     const std::string& manifest,
                                     const std::vector<std::string>& blobs) {
  const std::string base = "/v2/" + repository;
  FakeAnswer served = content_answer(manifest, kManifestType);
  served.headers.emplace_back("Docker-Content-Digest", sha256(manifest));
  answer(base + "/manifests/" + tag, served);
  answer(base + "/manifests/" + sha256(manifest), served);
  for (const std::string& blob : blobs) {
    FakeAnswer blob_answer = content_answer(blob, "application/octet-stream");
    blob_answer.headers.emplace_back("Docker-Content-Digest", sha256(blob));
    answer(base + "/blobs/" + sha256(blob), std::move(blob_answer));
  }
  std::vector<std::string> tags;
  {
    std::lock_guard lock(state_->mutex);
    tags = state_->tags[repository];
    if (std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(tag);
    state_->tags[repository] = tags;
  }
  answer(base + "/tags/list", tags_answer(repository, tags));
}

void FakeOciRegistry::require_bearer(const std::string& token, std::optional<std::string> basic) {
  std::lock_guard lock(state_->mutex);
  state_->token = token;
  state_->basic = std::move(basic);
}

std::vector<FakeRequest> FakeOciRegistry::requests() const {
  std::lock_guard lock(state_->mutex);
  return state_->requests;
}

FakeAnswer FakeOciRegistry::answer_for(const FakeRequest& request) {
  Handler handler;
  {
    std::lock_guard lock(state_->mutex);
    state_->requests.push_back(request);
    handler = state_->handler;
    if (state_->token) {
      if (request.path() == "/token") {
        if (state_->basic && request.header("Authorization") != "Basic " + base64(*state_->basic)) {
          return oci_error_answer(401, "UNAUTHORIZED",
                                  "the token endpoint wants other credentials");
        }
        return content_answer(nlohmann::json{{"token", *state_->token}}.dump(), "application/json");
      }
      if (request.path().starts_with("/v2/") &&
          request.header("Authorization") != "Bearer " + *state_->token) {
        std::string challenge = "Bearer realm=\"" + url() + "/token\",service=\"fake\"";
        const std::string repository = repository_of(request.path());
        if (!repository.empty()) challenge += ",scope=\"repository:" + repository + ":pull\"";
        FakeAnswer refused = oci_error_answer(401, "UNAUTHORIZED", "authentication required");
        refused.headers.emplace_back("WWW-Authenticate", challenge);
        return refused;
      }
    }
  }
  if (handler) {
    if (auto answer = handler(request)) return std::move(*answer);
  }
  std::lock_guard lock(state_->mutex);
  for (const std::string& key : {request.target, request.path()}) {
    const auto found = state_->table.find(key);
    if (found != state_->table.end() && (request.method == "GET" || request.method == "HEAD")) {
      return found->second;
    }
  }
  if (request.path() == "/v2/" && request.method == "GET") {
    return content_answer("{}", "application/json");
  }
  const std::string path = request.path();
  const char* code = path.find("/manifests/") != std::string::npos ? "MANIFEST_UNKNOWN"
                     : path.find("/blobs/") != std::string::npos   ? "BLOB_UNKNOWN"
                                                                   : "NAME_UNKNOWN";
  return oci_error_answer(404, code, "nothing is scripted for " + request.method + " " + path);
}

}  // namespace wreg::testing
