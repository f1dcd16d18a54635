// A table of hostile requests, each sent byte for byte over a socket to the real wreg-server
// (127.0.0.1, port 0, temp data dir) and answered with the exact status it deserves, with the
// API's JSON error body. After the table, what the registry holds (package list, package
// documents, the blob directory) is exactly what it held before, and fsck is clean.
//
// The rows are generated: each traversal, NUL, UTF-8 and name payload in each path segment of
// each route, each wrong method on each route, and so on. A row's name says what it tries, so a
// failure reads e.g. "traversal %2e%2e in {ns} of PUT release". server_test.cpp covers the
// neighbouring cases this table does not repeat: 413 on a large body, 431 on one huge header,
// slow-drip headers and bodies, TLS, and a first list of hostile paths.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "tests/integration/http_client.h"
#include "tests/integration/server_process.h"

namespace wreg::testing {
namespace {

using Json = nlohmann::json;

const std::filesystem::path kFixtures = WREG_TEST_FIXTURES;

struct HostileRequest {
  HostileRequest(std::string name_, std::string bytes_, int status_, std::string code_ = {},
                 bool half_close_ = false)
      : name(std::move(name_)),
        bytes(std::move(bytes_)),
        status(status_),
        code(std::move(code_)),
        half_close(half_close_) {}

  std::string name;   // what the row tries
  std::string bytes;  // sent as-is
  int status = 400;   // the exact status expected
  // The expected `error.code`; empty: any code, but the body must still be a JSON error.
  std::string code;
  bool half_close = false;  // shut down our sending side after the bytes (a body that stops short)
  bool head = false;        // a HEAD request: the answer has no body to check
  // Keep-alive rows: after the answer the server must close, leaving nothing to smuggle.
  bool expect_close = false;
  std::string allow;                // 405: the Allow header expected
  std::optional<std::string> body;  // a success whose body is checked
};

// What a well-formed error answer looks like: {"error":{"code":"...","message":"..."}}, JSON,
// one line of message. Empty when it is right, else what is wrong.
std::string error_body_problem(const HttpResponse& response, const std::string& code,
                               const std::string& data_dir) {
  if (response.header("content-type").rfind("application/json", 0) != 0) {
    return "Content-Type is " + response.header("content-type");
  }
  Json body = Json::parse(response.body, nullptr, false);
  if (!body.is_object() || body.size() != 1 || !body.contains("error")) return "not {\"error\":…}";
  const Json& error = body["error"];
  if (!error.is_object() || error.size() != 2 || !error.contains("code") ||
      !error.contains("message") || !error["code"].is_string() || !error["message"].is_string()) {
    return "error is not {code, message}";
  }
  std::string actual = error["code"];
  std::string message = error["message"];
  if (!std::regex_match(actual, std::regex("[a-z_]+"))) return "odd code " + actual;
  if (!code.empty() && actual != code) return "code " + actual + ", expected " + code;
  if (message.empty() || message.find('\n') != std::string::npos) return "bad message";
  if (message.find(data_dir) != std::string::npos) return "the message shows the data dir";
  return {};
}

// The bytes of a request: `METHOD target HTTP/1.1`, Host, the given header lines, and
// `Connection: close` unless `keep_alive`; then the body as given (no length added).
std::string raw(const std::string& method, const std::string& target,
                const std::vector<std::string>& header_lines = {}, const std::string& body = {},
                bool keep_alive = false) {
  std::string text = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (const auto& line : header_lines) text += line + "\r\n";
  if (!keep_alive) text += "Connection: close\r\n";
  return text + "\r\n" + body;
}

std::string length_line(const std::string& body) {
  return "Content-Length: " + std::to_string(body.size());
}

// Replaces the `index`th path segment (0 = "api") of `path`.
std::string with_segment(const std::string& path, std::size_t index, const std::string& value) {
  std::vector<std::string> parts;
  std::size_t start = 1;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  parts.at(index) = value;
  std::string out;
  for (const auto& part : parts) out += "/" + part;
  return out;
}

class HostileRequestTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new SuiteServer({"--header-timeout", "2s", "--body-timeout", "2s", "--max-body-size",
                               "4MiB", "--max-header-size", "8KiB", "--threads", "2"});
    ASSERT_TRUE(server_->start({"wasi", "demo"})) << server_->error();
    token_ = create_token(data_dir(), {"--namespace", "wasi"});
    ASSERT_FALSE(token_.empty());
    // What the table aims at: a WIT package and a component with a blob.
    auto wit = request(port(), "PUT", "/api/v1/packages/wasi/io/0.2.8", auth(),
                       file_bytes(kFixtures / "packages/wasi-io@0.2.8.wasm"));
    ASSERT_EQ(wit.status, 201) << wit.body;
    blob_ = file_bytes(kFixtures / "components/stream-filter.wasm");
    auto component = request(port(), "PUT", "/api/v1/packages/wasi/filter/1.0.0", auth(), blob_);
    ASSERT_EQ(component.status, 201) << component.body;
    digest_ = Json::parse(component.body)["digest"];
    component_ = file_bytes(kFixtures / "components/analytics-engine.wasm");
  }

  static void TearDownTestSuite() {
    EXPECT_EQ(server_->stop(), 0) << server_->log();
    delete server_;
  }

  static std::string data_dir() { return server_->data_dir().string(); }
  static std::uint16_t port() { return server_->port(); }
  static std::vector<std::pair<std::string, std::string>> auth() {
    return {{"Authorization", "Bearer " + token_}};
  }
  static std::string auth_line() { return "Authorization: Bearer " + token_; }

  // Everything a hostile request could have changed, as text: the package list, each package
  // document, and every file under blobs/ (temp files included) with its size.
  static std::string snapshot() {
    std::string out = request(port(), "GET", "/api/v1/packages?limit=100").body + "\n";
    for (const char* name : {"wasi/io", "wasi/filter", "wasi/hostile", "demo/hostile"}) {
      auto document = request(port(), "GET", std::string("/api/v1/packages/") + name);
      out += std::to_string(document.status) + " " + document.body + "\n";
    }
    std::map<std::string, std::uintmax_t> files;
    for (const auto& entry :
         std::filesystem::recursive_directory_iterator(server_->data_dir() / "blobs")) {
      if (entry.is_regular_file()) {
        files[entry.path().lexically_relative(server_->dir()).string()] = entry.file_size();
      }
    }
    for (const auto& [path, size] : files) out += path + " " + std::to_string(size) + "\n";
    return out;
  }

  // The whole table. Every PUT carries a valid token and a valid component (different bytes in
  // each row), so that a request the server wrongly let through would store something.
  static std::vector<HostileRequest> table();

  static SuiteServer* server_;
  static std::string token_;
  static std::string blob_;
  static std::string digest_;
  static std::string component_;
};

SuiteServer* HostileRequestTest::server_ = nullptr;
std::string HostileRequestTest::token_;
std::string HostileRequestTest::blob_;
std::string HostileRequestTest::digest_;
std::string HostileRequestTest::component_;

// A route as the table aims at it: a valid target, which segments are placeholders, and how to
// send a request to it (method, headers and body that would succeed with a valid path).
struct RouteShot {
  std::string label;  // "GET package", "PUT release", ...
  std::string method;
  std::string path;
  std::map<std::size_t, std::string> placeholders;  // segment index -> "{ns}", ...
  bool writes = false;                              // PUT/POST: send the token (and a body)
};

std::vector<HostileRequest> HostileRequestTest::table() {
  std::vector<HostileRequest> rows;
  int serial = 0;
  // A fresh valid body for each write, so a write that got through would be visible.
  auto body_for = [&](const RouteShot& route) {
    if (route.method != "PUT") return std::string();
    return with_custom_section(component_, "row " + std::to_string(++serial));
  };
  auto shoot = [&](const RouteShot& route, const std::string& target) {
    std::vector<std::string> lines;
    std::string body = body_for(route);
    if (route.writes) {
      lines.push_back(auth_line());
      lines.push_back(length_line(body));
    }
    return raw(route.method, target, lines, body);
  };

  const std::string blob_path = "/api/v1/blobs/" + digest_;
  const std::vector<RouteShot> routes = {
      {"GET package", "GET", "/api/v1/packages/wasi/io", {{3, "{ns}"}, {4, "{name}"}}},
      {"GET release",
       "GET",
       "/api/v1/packages/wasi/io/0.2.8",
       {{3, "{ns}"}, {4, "{name}"}, {5, "{version}"}}},
      {"PUT release",
       "PUT",
       "/api/v1/packages/wasi/hostile/1.0.0",
       {{3, "{ns}"}, {4, "{name}"}, {5, "{version}"}},
       true},
      {"POST yank",
       "POST",
       "/api/v1/packages/wasi/io/0.2.8/yank",
       {{3, "{ns}"}, {4, "{name}"}, {5, "{version}"}},
       true},
      {"GET blob", "GET", blob_path, {{3, "{digest}"}}},
  };

  // 1. Path traversal, raw and encoded once or twice, in every segment of every route. In a
  // placeholder every payload is refused (400): the router refuses `.`/`..`, slashes,
  // backslashes, NULs and bad UTF-8 after decoding; what it lets through (a double encoding is
  // just `%` characters once decoded) fails the name, version or digest syntax. In a literal
  // segment a payload the router lets through simply names no route (404).
  struct Payload {
    std::string text;
    bool router_refuses;
  };
  const std::vector<Payload> traversal = {
      {"..", true},
      {".", true},
      {"%2e%2e", true},
      {"%2E%2E", true},
      {".%2e", true},
      {"%2e.", true},
      {"%2e", true},
      {"..%2f..%2fwreg.db", true},
      {"%2f", true},
      {"a%2fb", true},
      {"..%5c..%5cwreg.db", true},
      {"..\\..\\wreg.db", true},
      {"%5c", true},
      {"%c0%ae%c0%ae", true},
      {"%252e%252e", false},
      {"%252e%252e%252fwreg.db", false},
      {"..;", false},
      {"%2e%2e%00", true},
  };
  for (const auto& route : routes) {
    std::size_t segments =
        static_cast<std::size_t>(std::count(route.path.begin(), route.path.end(), '/'));
    for (std::size_t index = 0; index < segments; ++index) {
      auto placeholder = route.placeholders.find(index);
      bool is_placeholder = placeholder != route.placeholders.end();
      // Literal segments only for the GET routes: the router matches them the same way.
      if (!is_placeholder && route.writes) continue;
      for (const auto& payload : traversal) {
        std::string where =
            is_placeholder ? placeholder->second : "segment " + std::to_string(index);
        bool refused = is_placeholder || payload.router_refuses;
        rows.push_back({"traversal " + payload.text + " in " + where + " of " + route.label,
                        shoot(route, with_segment(route.path, index, payload.text)),
                        refused ? 400 : 404, refused ? "invalid_argument" : "not_found"});
      }
    }
  }

  // 2. NUL bytes and invalid UTF-8 (percent-encoded, and raw where HTTP allows the byte) in each
  // placeholder.
  const std::vector<std::pair<std::string, std::string>> bad_bytes = {
      {"%00", "encoded NUL"},
      {"io%00", "encoded NUL after a name"},
      {"%ff", "byte 0xff"},
      {"%c0%af", "overlong UTF-8 '/'"},
      {"%ed%a0%80", "UTF-8 surrogate"},
      {"%f4%90%80%80", "UTF-8 past U+10FFFF"},
      {"%e2%82", "truncated UTF-8"},
      {"%80", "lone continuation byte"},
      {"\xff\xfe", "raw bytes 0xff 0xfe"},
      {"%0d%0aSet-Cookie:%20x", "encoded CR LF"},
  };
  for (const auto& route : routes) {
    for (const auto& [index, placeholder] : route.placeholders) {
      for (const auto& [text, what] : bad_bytes) {
        rows.push_back({what + " in " + placeholder + " of " + route.label,
                        shoot(route, with_segment(route.path, index, text)), 400,
                        "invalid_argument"});
      }
    }
  }
  rows.push_back({"raw NUL in the target",
                  raw("GET", std::string("/api/v1/packages/wasi/io\0", 25)), 400, "bad_request"});
  rows.push_back(
      {"raw NUL in the method", raw(std::string("GE\0T", 4), "/healthz"), 400, "bad_request"});
  rows.push_back({"raw NUL in a header value",
                  raw("GET", "/healthz", {std::string("X-Note: a\0b", 11)}), 400, "bad_request"});
  rows.push_back({"raw NUL in a header name",
                  raw("GET", "/healthz", {std::string("X-No\0te: a", 10)}), 400, "bad_request"});
  for (const auto& [text, what] : bad_bytes) {
    for (const char* key : {"q", "exports", "cursor"}) {
      rows.push_back({what + " in the query " + key,
                      raw("GET", "/api/v1/packages?" + std::string(key) + "=" + text), 400,
                      "invalid_argument"});
    }
  }

  // 3. Names breaking each PackageName rule, in {ns} and in {name} of every route that takes
  // them; overlong names and segments.
  const std::vector<std::pair<std::string, std::string>> bad_names = {
      {"Wasi", "an uppercase letter"},
      {"1io", "a word starting with a digit"},
      {"io-2x", "a later word starting with a digit"},
      {"-io", "a leading '-'"},
      {"io-", "a trailing '-'"},
      {"i--o", "an empty word"},
      {"i_o", "an underscore"},
      {"i.o", "a dot"},
      {"%20io", "a space"},
      {"%c3%a9t%c3%a9", "non-ASCII letters"},
      {"wasi:io", "a colon"},
      {"io@1.0.0", "an '@'"},
      {std::string(129, 'a'), "more than 128 characters"},
      {std::string(256, 'a'), "a 256-byte segment"},
  };
  for (const auto& route : routes) {
    for (const auto& [index, placeholder] : route.placeholders) {
      if (placeholder != "{ns}" && placeholder != "{name}") continue;
      for (const auto& [text, what] : bad_names) {
        rows.push_back({"name with " + what + " in " + placeholder + " of " + route.label,
                        shoot(route, with_segment(route.path, index, text)), 400,
                        "invalid_argument"});
      }
    }
  }
  // The longest valid name and version are fine, and merely unknown.
  rows.push_back({"valid 128-character name",
                  raw("GET", "/api/v1/packages/wasi/" + std::string(123, 'a')), 404, "not_found"});
  rows.push_back({"valid 255-character version",
                  raw("GET", "/api/v1/packages/wasi/io/1.0.0-" + std::string(249, 'a')), 404,
                  "not_found"});

  // 4. Bad versions in {version} of GET, PUT, yank and unyank.
  const std::vector<std::pair<std::string, std::string>> bad_versions = {
      {"1", "one component"},
      {"1.0", "two components"},
      {"1.0.0.0", "four components"},
      {"01.0.0", "a leading zero"},
      {"1.0.0-01", "a numeric pre-release with a leading zero"},
      {"1.0.0-", "an empty pre-release"},
      {"1.0.0+", "empty build metadata"},
      {"1.0.0-a..b", "an empty pre-release identifier"},
      {"v1.0.0", "a 'v' prefix"},
      {"1.0.-1", "a negative component"},
      {"99999999999999999999.0.0", "an overflowing major"},
      {"1.0.0%20", "a trailing space"},
      {"latest", "a word"},
      {"*", "a wildcard"},
      {"%5e1.0.0", "a caret requirement"},
      {"1.0.0-%c3%a9", "a non-ASCII pre-release"},
      {"1.0.0-" + std::string(251, 'a'), "257 characters"},
  };
  std::vector<RouteShot> versioned = {routes[1], routes[2], routes[3]};
  RouteShot unyank = routes[3];
  unyank.label = "POST unyank";
  unyank.path = "/api/v1/packages/wasi/io/0.2.8/unyank";
  versioned.push_back(unyank);
  for (const auto& route : versioned) {
    for (const auto& [text, what] : bad_versions) {
      rows.push_back({"version with " + what + " in " + route.label,
                      shoot(route, with_segment(route.path, 5, text)), 400, "invalid_argument"});
    }
  }
  const std::vector<std::pair<std::string, std::string>> bad_digests = {
      {"sha256:" + std::string(63, 'a'), "63 hex digits"},
      {"sha256:" + std::string(65, 'a'), "65 hex digits"},
      {"sha256:" + std::string(64, 'A'), "uppercase hex"},
      {"SHA256:" + std::string(64, 'a'), "an uppercase algorithm"},
      {"sha512:" + std::string(64, 'a'), "another algorithm"},
      {"md5:d41d8cd98f00b204e9800998ecf8427e", "md5"},
      {std::string(64, 'a'), "no algorithm"},
      {"sha256:" + std::string(63, 'a') + "g", "a non-hex digit"},
      {"sha256:", "no digits"},
  };
  for (const auto& [text, what] : bad_digests) {
    rows.push_back(
        {"blob digest with " + what, raw("GET", "/api/v1/blobs/" + text), 400, "invalid_argument"});
  }

  // 5. Wrong methods on every route: 405 with the route's methods in Allow (not checked for
  // HEAD, which has no body).
  struct Path {
    std::string target;
    std::vector<std::string> allowed;
  };
  const std::vector<Path> paths = {
      {"/healthz", {"GET", "HEAD"}},
      {"/metrics", {"GET", "HEAD"}},
      {"/api/v1/packages", {"GET", "HEAD"}},
      {"/api/v1/packages/wasi/io", {"GET", "HEAD"}},
      {"/api/v1/packages/wasi/hostile/1.0.0", {"GET", "HEAD", "PUT"}},
      {"/api/v1/packages/wasi/io/0.2.8/yank", {"POST"}},
      {"/api/v1/packages/wasi/io/0.2.8/unyank", {"POST"}},
      {blob_path, {"GET", "HEAD"}},
  };
  for (const auto& path : paths) {
    for (const char* method :
         {"GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS", "PATCH", "TRACE", "get", "BREW"}) {
      if (std::find(path.allowed.begin(), path.allowed.end(), method) != path.allowed.end()) {
        continue;
      }
      std::string body = std::string(method) == "PUT" || std::string(method) == "POST" ||
                                 std::string(method) == "PATCH"
                             ? with_custom_section(component_, "method " + std::to_string(++serial))
                             : std::string();
      HostileRequest row{std::string(method) + " on " + path.target,
                         raw(method, path.target, {auth_line(), length_line(body)}, body), 405,
                         "method_not_allowed"};
      row.head = std::string(method) == "HEAD";
      for (const auto& allowed : path.allowed)
        row.allow += (row.allow.empty() ? "" : ", ") + allowed;
      rows.push_back(std::move(row));
    }
  }

  // 6. Absurd Range headers on a blob. A range that cannot be parsed is ignored (RFC 9110
  // §14.2: the whole blob, 200); one past the end is 416.
  const std::string size = std::to_string(blob_.size());
  const std::vector<std::tuple<std::string, int, std::string>> ranges = {
      {"bytes=9-0", 200, "reversed"},
      {"bytes=0-99999999999999999999999", 200, "an overflowing end"},
      {"bytes=99999999999999999999999-", 200, "an overflowing start"},
      {"bytes=18446744073709551615-", 416, "a start of 2^64-1"},
      {"bytes=-18446744073709551615", 206, "a suffix of 2^64-1"},
      {"bytes=" + size + "-", 416, "a start at the size"},
      {"bytes=-0", 416, "an empty suffix"},
      {"bytes=--5", 200, "a negative suffix"},
      {"bytes=-5-10", 200, "a negative start"},
      {"bytes=0x10-0x20", 200, "hex numbers"},
      {"bytes= 0-5", 200, "a space"},
      {"bytes=", 200, "nothing"},
      {"bytes=-", 200, "only a dash"},
      {"items=0-5", 200, "another unit"},
      {"bytes=0-1,2-3,4-5,6-7,8-9,10-11,12-13,14-15,16-17,18-19,20-21,22-23,24-25,26-27,28-29,"
       "30-31,32-33,34-35,36-37,38-39,40-41,42-43,44-45,46-47,48-49",
       200, "25 ranges"},
      {"bytes=0-0,0-0,0-0,0-0,0-0,0-0,0-0,0-0,0-0,0-0,0-0,0-0,0-0,0-0,0-0,0-0", 200,
       "16 overlapping ranges"},
  };
  for (const auto& [value, status, what] : ranges) {
    HostileRequest row{"Range with " + what + " (" + value + ")",
                       raw("GET", blob_path, {"Range: " + value}), status,
                       status == 416 ? "range_not_satisfiable" : ""};
    if (status != 416) row.body = blob_;  // the whole blob, as a range or not
    rows.push_back(std::move(row));
  }
  HostileRequest two_ranges{"two Range headers",
                            raw("GET", blob_path, {"Range: bytes=0-1", "Range: bytes=5-9"}), 200};
  two_ranges.body = blob_;
  rows.push_back(std::move(two_ranges));

  // 7. Content-Length values and duplicate or conflicting framing headers.
  const std::string put_target = "/api/v1/packages/wasi/hostile/1.0.0";
  auto put_rows = [&](const std::string& what, std::vector<std::string> lines,
                      const std::string& body, int status, const std::string& code,
                      bool half_close = false) {
    lines.insert(lines.begin(), auth_line());
    HostileRequest row{what, raw("PUT", put_target, lines, body), status, code};
    row.half_close = half_close;
    rows.push_back(std::move(row));
  };
  auto fresh = [&] {
    return with_custom_section(component_, "framing " + std::to_string(++serial));
  };
  for (const auto& [value, what] :
       std::vector<std::pair<std::string, std::string>>{{"-1", "negative"},
                                                        {"99999999999999999999999", "overflowing"},
                                                        {"abc", "non-numeric"},
                                                        {"0x10", "hex"},
                                                        {"+5", "signed"},
                                                        {"1e3", "exponent"},
                                                        {"", "empty"},
                                                        {"5 5", "two numbers"}}) {
    rows.push_back({"GET with a " + what + " Content-Length",
                    raw("GET", "/healthz", {"Content-Length: " + value}), 400, "bad_request"});
    std::string body = fresh();
    put_rows("PUT with a " + what + " Content-Length", {"Content-Length: " + value}, body, 400,
             "bad_request");
  }
  rows.push_back({"GET with a Content-Length of 2^64-1",
                  raw("GET", "/healthz", {"Content-Length: 18446744073709551615"}), 413,
                  "too_large"});
  {
    std::string body = fresh();
    put_rows("PUT with a Content-Length larger than the body", {"Content-Length: 100000"}, body,
             400, "bad_request", /*half_close=*/true);
    body = fresh();
    put_rows("PUT with a Content-Length smaller than the body",
             {"Content-Length: " + std::to_string(body.size() / 2)}, body, 400, "invalid_argument");
    body = fresh();
    put_rows("PUT with two different Content-Lengths",
             {length_line(body), "Content-Length: " + std::to_string(body.size() - 1)}, body, 400,
             "bad_request");
    body = fresh();
    put_rows("PUT with Content-Length then Transfer-Encoding",
             {length_line(body), "Transfer-Encoding: chunked"}, body, 400, "bad_request");
    body = fresh();
    put_rows("PUT with Transfer-Encoding then Content-Length",
             {"Transfer-Encoding: chunked", length_line(body)}, body, 400, "bad_request");
    for (const std::string coding : {"gzip", "gzip, chunked", "chunked, chunked", "CHUNKED",
                                     "identity", "chunked;q=1", "xchunked"}) {
      body = fresh();
      put_rows("PUT with Transfer-Encoding: " + coding, {"Transfer-Encoding: " + coding},
               "5\r\nhello\r\n0\r\n\r\n", 400, "bad_request");
    }
    body = fresh();
    put_rows("PUT with two Transfer-Encoding: chunked",
             {"Transfer-Encoding: chunked", "Transfer-Encoding: chunked"}, "0\r\n\r\n", 400,
             "bad_request");
  }
  rows.push_back({"GET with a Content-Length larger than the body",
                  raw("GET", "/healthz", {"Content-Length: 100"}, "abc"), 400, "bad_request",
                  true});
  rows.push_back({"GET with a body past the small body limit",
                  raw("GET", "/healthz", {"Content-Length: 1000000"}), 413, "too_large"});
  // Smuggling: a second request hidden where a body would be is never answered.
  for (const std::string coding : {"gzip", "CHUNKED", "identity"}) {
    HostileRequest row{
        "keep-alive GET hiding a request behind Transfer-Encoding: " + coding,
        raw("GET", "/healthz", {"Transfer-Encoding: " + coding},
            raw("PUT", put_target, {auth_line(), length_line(component_)}, component_),
            /*keep_alive=*/true),
        400, "bad_request"};
    row.expect_close = true;
    rows.push_back(std::move(row));
  }
  rows.push_back({"two Host headers",
                  "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n", 400,
                  "bad_request"});
  rows.push_back({"no Host header in HTTP/1.1",
                  "GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n", 400, "bad_request"});
  rows.push_back({"two Authorization headers on a publish",
                  raw("PUT", put_target, {auth_line(), auth_line(), length_line(component_)},
                      with_custom_section(component_, "two auth")),
                  401, "unauthenticated"});
  rows.push_back({"two Authorization headers on a yank",
                  raw("POST", "/api/v1/packages/wasi/io/0.2.8/yank",
                      {auth_line(), auth_line(), "Content-Length: 0"}),
                  401, "unauthenticated"});

  // 8. Chunked bodies that lie.
  auto chunked_put = [&](const std::string& what, const std::string& body, int status,
                         const std::string& code, bool half_close = false) {
    put_rows("chunked PUT with " + what, {"Transfer-Encoding: chunked"}, body, status, code,
             half_close);
  };
  auto hex = [](std::size_t n) {
    char text[32];
    std::snprintf(text, sizeof text, "%zx", n);
    return std::string(text);
  };
  {
    std::string body = fresh();
    chunked_put("a size larger than its data",
                hex(body.size() + 100) + "\r\n" + body + "\r\n0\r\n\r\n", 400, "bad_request", true);
    body = fresh();
    chunked_put("a size smaller than its data",
                hex(body.size() - 10) + "\r\n" + body + "\r\n0\r\n\r\n", 400, "bad_request");
    body = fresh();
    chunked_put("a size that is not hex", "zz\r\n" + body + "\r\n0\r\n\r\n", 400, "bad_request");
    body = fresh();
    chunked_put("a negative size", "-" + hex(body.size()) + "\r\n" + body + "\r\n0\r\n\r\n", 400,
                "bad_request");
    body = fresh();
    chunked_put("a size that overflows 64 bits",
                "1" + std::string(20, '0') + "\r\n" + body + "\r\n0\r\n\r\n", 400, "bad_request");
    body = fresh();
    chunked_put("a size past the body limit", "fffffffffffffff\r\n" + body + "\r\n0\r\n\r\n", 413,
                "too_large");
    body = fresh();
    chunked_put("no last chunk", hex(body.size()) + "\r\n" + body + "\r\n", 400, "bad_request",
                true);
    body = fresh();
    chunked_put("no CRLF after the data", hex(body.size()) + "\r\n" + body + "0\r\n\r\n", 400,
                "bad_request");
    body = fresh();
    chunked_put("a control character in an extension",
                hex(body.size()) + ";\x01\r\n" + body + "\r\n0\r\n\r\n", 400, "bad_request");
    body = fresh();
    chunked_put("a Content-Length in the trailer",
                hex(body.size()) + "\r\n" + body + "\r\n0\r\nContent-Length: 5\r\n\r\n", 400,
                "bad_request");
    body = fresh();
    chunked_put("only half the body, then the end",
                hex(body.size() / 2) + "\r\n" + body.substr(0, body.size() / 2) + "\r\n0\r\n\r\n",
                400, "invalid_argument");
  }

  // 9. Bad Digest-Sha256 headers on a publish (the body itself is valid).
  for (const auto& [value, what] : std::vector<std::pair<std::string, std::string>>{
           {"sha256:" + std::string(64, '0'), "the digest of other bytes"},
           {"sha256:" + std::string(63, '0'), "63 hex digits"},
           {"sha256:" + std::string(64, 'A'), "uppercase hex"},
           {"md5:d41d8cd98f00b204e9800998ecf8427e", "md5"},
           {"sha512:" + std::string(128, '0'), "sha512"},
           {"", "an empty value"},
           {"sha256: " + std::string(64, '0'), "a space after the colon"},
           {digest_, "the digest of another release"}}) {
    std::string body = fresh();
    put_rows("PUT with a Digest-Sha256 of " + what, {length_line(body), "Digest-Sha256: " + value},
             body, 400, "invalid_argument");
  }
  {
    std::string body = fresh();
    put_rows("PUT with two Digest-Sha256 headers",
             {length_line(body), "Digest-Sha256: " + digest_, "Digest-Sha256: " + digest_}, body,
             400, "invalid_argument");
  }

  // 10. Bodies that are not components.
  for (const auto& [body, what] : std::vector<std::pair<std::string, std::string>>{
           {"", "an empty body"},
           {"hello", "text"},
           {"{\"name\":\"wasi:hostile\"}", "JSON"},
           {std::string("\0asm", 4), "only the magic"},
           {std::string("\0asm\x01\0\0\0", 8), "an empty core module"},
           {std::string("\0asm\x0d\0\x01\0", 8) + "garbage", "a component header then garbage"},
           {component_.substr(0, component_.size() / 2), "half a component"},
           {component_ + "trailing", "a component with trailing bytes"},
           {std::string(4096, '\0'), "4 KiB of zeros"},
           {file_bytes(kFixtures / "packages/wasi-io@0.2.8.wasm"),
            "a WIT package of another name"}}) {
    put_rows("PUT of " + what, {length_line(body)}, body, 400, "invalid_argument");
  }

  // 11. Other protocols and broken request lines.
  rows.push_back({"HTTP/0.9 request line", "GET /healthz\r\n\r\n", 400, "bad_request"});
  rows.push_back(
      {"HTTP/2 connection preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 400, "bad_request"});
  rows.push_back(
      {"HTTP/2.0 request line", "GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n", 400, "bad_request"});
  rows.push_back(
      {"HTTP/1.2 request line", "GET /healthz HTTP/1.2\r\nHost: x\r\n\r\n", 400, "bad_request"});
  rows.push_back(
      {"a TLS ClientHello on the plain port",
       std::string("\x16\x03\x01\x00\x2f\x01\x00\x00\x2b\x03\x03", 11) + std::string(40, '\0'), 400,
       "bad_request", true});
  rows.push_back({"an empty line before the request line", "\r\n" + raw("GET", "/healthz"), 400,
                  "bad_request"});
  rows.push_back({"two spaces after the method", "GET  /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 400,
                  "bad_request"});
  rows.push_back(
      {"a tab in the target", "GET /heal\tthz HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad_request"});
  rows.push_back(
      {"an absolute-form target", raw("GET", "http://127.0.0.1/healthz"), 400, "invalid_argument"});
  rows.push_back({"an asterisk-form target", raw("OPTIONS", "*"), 400, "invalid_argument"});
  rows.push_back(
      {"an authority-form CONNECT", raw("CONNECT", "127.0.0.1:22"), 400, "invalid_argument"});
  rows.push_back({"17 path segments", raw("GET", "/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q"), 400,
                  "invalid_argument"});
  rows.push_back({"an empty segment", raw("GET", "/api/v1/packages//io"), 400, "invalid_argument"});
  rows.push_back(
      {"a malformed escape", raw("GET", "/api/v1/packages/wasi/io%2"), 400, "invalid_argument"});

  // 12. Header injection with CR and LF, and malformed header lines.
  rows.push_back({"a bare LF inside a header value",
                  raw("GET", "/healthz", {"X-Note: a\nInjected: b"}), 400, "bad_request"});
  rows.push_back({"a bare CR inside a header value",
                  raw("GET", "/healthz", {"X-Note: a\rInjected: b"}), 400, "bad_request"});
  rows.push_back({"bare LF line endings", "GET /healthz HTTP/1.1\nHost: x\nConnection: close\n\n",
                  400, "bad_request"});
  rows.push_back({"a CR LF injected into the Authorization header of a publish",
                  raw("PUT", put_target, {auth_line() + "\rX-Admin: 1", length_line(component_)},
                      with_custom_section(component_, "crlf")),
                  400, "bad_request"});
  rows.push_back(
      {"a space before the colon", raw("GET", "/healthz", {"Host : x"}), 400, "bad_request"});
  rows.push_back(
      {"a header line without a colon", raw("GET", "/healthz", {"NoColon"}), 400, "bad_request"});
  rows.push_back({"an empty header name", raw("GET", "/healthz", {": x"}), 400, "bad_request"});
  rows.push_back(
      {"a non-ASCII header name", raw("GET", "/healthz", {"X-\xc3\xa9: x"}), 400, "bad_request"});

  // 13. Very long request lines and headers (the server runs with --max-header-size 8KiB).
  rows.push_back(
      {"a 9 KB request target", raw("GET", "/" + std::string(9000, 'a')), 431, "header_too_large"});
  rows.push_back(
      {"a 9 KB method", raw(std::string(9000, 'G'), "/healthz"), 431, "header_too_large"});
  rows.push_back({"a 9 KB header name", raw("GET", "/healthz", {std::string(9000, 'X') + ": 1"}),
                  431, "header_too_large"});
  {
    std::vector<std::string> many;
    for (int i = 0; i < 1500; ++i) many.push_back("X-" + std::to_string(i) + ": y");
    rows.push_back({"1500 small headers", raw("GET", "/healthz", many), 431, "header_too_large"});
  }
  rows.push_back({"a 9 KB Authorization header on a publish",
                  raw("PUT", put_target,
                      {"Authorization: Bearer " + std::string(9000, 'a'), length_line(component_)},
                      component_),
                  431, "header_too_large"});
  rows.push_back({"a 2000-byte query value",
                  raw("GET", "/api/v1/packages?q=" + std::string(2000, 'a')), 400,
                  "invalid_argument"});
  rows.push_back({"a 7 KB header value within the limit",
                  raw("GET", "/healthz", {"X-Filler: " + std::string(7000, 'a')}), 200, ""});
  return rows;
}

TEST_F(HostileRequestTest, EveryHostileRequestGetsItsStatusAndNothingIsStored) {
  const std::string before = snapshot();
  const auto rows = table();
  ASSERT_GE(rows.size(), 200u);
  std::map<int, int> by_status;
  for (const auto& row : rows) {
    SCOPED_TRACE(row.name);
    auto connection = Connection::open(port(), false, std::chrono::seconds(10));
    ASSERT_TRUE(connection);
    connection->send(row.bytes);  // the server may answer and close before all of it is sent
    if (row.half_close) connection->shutdown_write();
    auto response = connection->read_response(row.head);
    ++by_status[response.status];
    EXPECT_EQ(response.status, row.status) << response.body << response.error;
    if (row.status >= 400 && !row.head && response.status == row.status) {
      std::string problem = error_body_problem(response, row.code, data_dir());
      EXPECT_TRUE(problem.empty()) << problem << ": " << response.body;
    }
    if (!row.allow.empty()) {
      EXPECT_EQ(response.header("allow"), row.allow);
    }
    if (row.body && response.status == row.status) {
      EXPECT_TRUE(response.body == *row.body) << response.body.size() << " bytes";
    }
    if (row.expect_close) {
      auto next = connection->read_response();
      EXPECT_EQ(next.status, 0) << "a second response was smuggled through: " << next.body;
    }
  }
  std::string counts;
  for (const auto& [status, count] : by_status) {
    counts += " " + std::to_string(status) + ":" + std::to_string(count);
  }
  std::cout << "[ hostile  ] " << rows.size() << " requests, by status:" << counts << "\n";

  EXPECT_EQ(request(port(), "GET", "/healthz").status, 200);
  EXPECT_EQ(snapshot(), before);
  auto fsck = run_server_command({"fsck", "--data", data_dir()});
  EXPECT_EQ(fsck.exit_status, 0) << fsck.out << fsck.err;
  // Nothing was written beside the data dir either (a traversal that reached the disk).
  std::vector<std::string> beside;
  for (const auto& entry : std::filesystem::directory_iterator(server_->dir())) {
    beside.push_back(entry.path().filename().string());
  }
  EXPECT_EQ(beside, std::vector<std::string>{"data"});
}

// The table's setup itself is a working registry: a valid publish, yank and unyank go through,
// so the refusals above are the hostile parts' doing and not a broken fixture.
TEST_F(HostileRequestTest, TheSameRoutesAcceptAWellFormedRequest) {
  std::string body = with_custom_section(component_, "well formed");
  auto created = request(port(), "PUT", "/api/v1/packages/wasi/control/1.0.0", auth(), body);
  EXPECT_EQ(created.status, 201) << created.body;
  auto document = request(port(), "GET", "/api/v1/packages/wasi/control");
  EXPECT_EQ(document.status, 200) << document.body;
  EXPECT_NE(document.body.find("\"version\":\"1.0.0\""), std::string::npos) << document.body;
  auto again = request(port(), "PUT", "/api/v1/packages/wasi/control/1.0.0", auth(), body);
  EXPECT_EQ(again.status, 200) << again.body;  // the same bytes again: a safe retry
  auto outside = request(port(), "PUT", "/api/v1/packages/demo/control/1.0.0", auth(), body);
  EXPECT_EQ(outside.status, 403) << outside.body;  // demo is outside the token's scope
  auto blob = request(port(), "GET", "/api/v1/blobs/" + digest_, {{"Range", "bytes=0-9"}});
  EXPECT_EQ(blob.status, 206);
  EXPECT_EQ(blob.body, blob_.substr(0, 10));
  auto yank = request(port(), "POST", "/api/v1/packages/wasi/filter/1.0.0/yank", auth());
  EXPECT_EQ(yank.status, 200) << yank.body;
  auto unyank = request(port(), "POST", "/api/v1/packages/wasi/filter/1.0.0/unyank", auth());
  EXPECT_EQ(unyank.status, 200) << unyank.body;
}

}  // namespace
}  // namespace wreg::testing
