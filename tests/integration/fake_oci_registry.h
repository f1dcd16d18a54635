// FakeOciRegistry: a scripted OCI registry for tests of clients against upstreams that misbehave
// in ways no real registry does on demand: a body that drips one byte at a time, a
// Content-Length that lies, a tag list of 100,000 entries, a redirect to another host, a bearer
// challenge. It listens on 127.0.0.1 port 0 and serves HTTP/1.1 (keep-alive included) on a
// thread of its own, answering each request from what the test set:
//   1. With require_bearer(): the token endpoint, and a 401 challenge for any /v2/ request
//      without the token.
//   2. The handler, if one is set and it gives an answer.
//   3. The table: an answer set for the request's exact target (path and query), else for its
//      path. A table answer serves GET and HEAD (HEAD: the same head, no body).
//   4. GET /v2/: 200 `{}`. Anything else: 404 with an OCI error body.
// Every request is recorded (method, target, headers as sent, body) before it is answered.
//
// Beast and Asio stay in fake_oci_registry.cpp (header-only Asio, as client/transport compiles
// it). All members are safe to call from the test's thread while the registry serves.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wreg::testing {

// A request as the fake registry received it.
struct FakeRequest {
  std::string method;
  std::string target;                                        // path and query, as sent
  std::vector<std::pair<std::string, std::string>> headers;  // as sent, in order
  std::string body;

  // The first header named `name` (any case); nullopt when there is none.
  std::optional<std::string> header(std::string_view name) const;
  std::string path() const;  // the target without its query
};

// An answer: the status line, `headers` as given, then Content-Length and `body`.
struct FakeAnswer {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // The Content-Length sent instead of the body's size. When they differ the body is sent as it
  // is and the connection is closed after it (a short or overlong answer).
  std::optional<std::uint64_t> content_length;
  // Above zero: the body is sent one byte at a time with this long between bytes (the head at
  // once). The registry's destructor does not wait for a drip to finish.
  std::chrono::milliseconds drip{0};
};

// `body` with Content-Type `content_type`.
FakeAnswer content_answer(std::string body, std::string content_type, int status = 200);
// An OCI error body: {"errors":[{"code":code,"message":message}]}.
FakeAnswer oci_error_answer(int status, const std::string& code, const std::string& message);
// A redirect to `location` (an absolute URL, e.g. another FakeOciRegistry's url() + path).
FakeAnswer redirect_answer(const std::string& location, int status = 307);
// {"name":repository,"tags":[...]}, and when `next` is set, the header
// `Link: <next>; rel="next"` (distribution-spec's paging; `next` is a target such as
// "/v2/REPO/tags/list?n=1000&last=X").
FakeAnswer tags_answer(const std::string& repository, const std::vector<std::string>& tags,
                       const std::string& next = "");
// `count` distinct valid versions: "0.0.0", "0.0.1", ... in that order.
std::vector<std::string> numbered_tags(std::size_t count);

class FakeOciRegistry {
 public:
  // A handler's answer to a request; nullopt leaves it to the table. Called on the registry's
  // thread, one request at a time.
  using Handler = std::function<std::optional<FakeAnswer>(const FakeRequest&)>;

  // Listens on 127.0.0.1 port 0 at once; port() is 0 when it cannot.
  FakeOciRegistry();
  // Stops at once: closes every connection, even one in the middle of a drip or one whose client
  // hung up, and joins the thread.
  ~FakeOciRegistry();
  FakeOciRegistry(const FakeOciRegistry&) = delete;
  FakeOciRegistry& operator=(const FakeOciRegistry&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // Answers GET and HEAD of `target` (a path, or a path and query) with `answer` from now on.
  void answer(const std::string& target, FakeAnswer answer);
  // Asks `handler` first for every request (after the bearer check).
  void handle(Handler handler);

  // Serves a pushed artifact as a registry would: `manifest` at /v2/<repository>/manifests/<tag>
  // and at .../manifests/<its sha256> (Content-Type application/vnd.oci.image.manifest.v1+json,
  // Docker-Content-Digest), each of `blobs` at /v2/<repository>/blobs/<its sha256>, and `tag`
  // added to /v2/<repository>/tags/list. Routes answer() set later take their place.
  void serve_artifact(const std::string& repository, const std::string& tag,
                      const std::string& manifest, const std::vector<std::string>& blobs);

  // From now on a /v2/ request without `Authorization: Bearer <token>` is answered 401 with
  // `WWW-Authenticate: Bearer realm="<url()>/token",service="fake",scope="repository:<repo>:pull"`
  // (no scope for /v2/ itself), and GET /token answers {"token":"<token>"}. When `basic` is set
  // ("user:password"), /token answers 401 unless the request's Basic credentials are those.
  void require_bearer(const std::string& token, std::optional<std::string> basic = std::nullopt);

  // Every request so far, in the order they arrived.
  std::vector<FakeRequest> requests() const;

 private:
  class Session;
  struct State;
  FakeAnswer answer_for(const FakeRequest& request);

  std::unique_ptr<State> state_;
  std::uint16_t port_ = 0;
};

}  // namespace wreg::testing
