// The registry's API without a network, for the handler tests (server/api/handlers.h): the real
// stores of a data dir in a TempDir, opened as `wreg-server serve` opens them (SQLite for the
// metadata and tokens, files for the blobs), a real ApiContext over them, and the API's own
// routes. A test builds a request as the session would, lets the Router match it (so its path
// values and query arrive decoded and checked, as in the server), then calls the handler itself.
//
// Each test starts with namespaces `demo` and `wasi`, nothing published, and three tokens: an
// admin's, and one each that may publish and yank in `demo` and in `wasi` only.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "common/api/answers.h"
#include "server/api/handlers.h"
#include "server/auth/tokens.h"
#include "server/http/metrics.h"
#include "server/store/data_dir.h"
#include "tests/support/temp_dir.h"

namespace wreg::api {

class ApiTest : public ::testing::Test {
 protected:
  using Headers = std::map<std::string, std::string>;  // names lowercased, as the session has them

  void SetUp() override;

  // `method target` with `headers`, as the router hands it to the handler of its route. Fails
  // the test when no API route takes it.
  http::Request request(http::Method method, const std::string& target, Headers headers = {});

  // A publish as the session drives it: open_publish() once the header is in, then the body to
  // its BodyConsumer in chunks of `chunk` bytes, then finish(). A chunk the consumer refuses ends
  // the request with that error's response, as the session answers it.
  http::Response publish(const std::string& target, std::string_view body, Headers headers = {},
                         std::size_t chunk = 4096);

  static Headers bearer(const std::string& token) { return {{"authorization", "Bearer " + token}}; }

  // The body a response sends (its own or the shared one).
  static std::string body_of(const http::Response& response);
  // The {"error":{...}} body of a response; fails the test when it is not one.
  static ErrorBody error_body(const http::Response& response);

  ApiContext& context() { return *context_; }

  testing::TempDir dir_;
  store::DataDir data_;
  std::unique_ptr<auth::Authorizer> authorizer_;
  http::HttpMetrics metrics_;
  ApiCounters counters_;
  std::unique_ptr<ApiContext> context_;
  http::Router router_;
  std::string admin_token_;
  std::string demo_token_;  // publish and yank in demo
  std::string wasi_token_;  // publish and yank in wasi
};

}  // namespace wreg::api
