#include "tests/unit/server/api_test.h"

#include <algorithm>
#include <variant>

namespace wreg::api {

namespace {

std::string token(store::TokenStore& tokens, auth::TokenScopes scopes) {
  auto created = auth::create_token(tokens, scopes);
  EXPECT_TRUE(created) << created.error().message;
  return created ? created->secret : "";
}

}  // namespace

void ApiTest::SetUp() {
  store::DataDirOptions options;
  options.log = [](std::string_view) {};
  auto dir = store::open_data_dir(dir_ / "data", std::move(options));
  ASSERT_TRUE(dir) << dir.error().message;
  data_ = std::move(*dir);
  for (const char* ns : {"demo", "wasi"}) ASSERT_TRUE(data_.metadata->create_namespace(ns));
  auth::TokenScopes admin;
  admin.admin = true;
  admin_token_ = token(*data_.tokens, admin);
  for (auto [ns, secret] : {std::pair{"demo", &demo_token_}, std::pair{"wasi", &wasi_token_}}) {
    auth::TokenScopes publisher;
    publisher.namespaces = {ns};
    *secret = token(*data_.tokens, publisher);
  }
  authorizer_ = std::make_unique<auth::Authorizer>(*data_.tokens);
  context_.reset(new ApiContext{*data_.metadata, *data_.blobs, *authorizer_, metrics_, counters_});
  add_routes(router_, *context_);
}

http::Request ApiTest::request(http::Method method, const std::string& target, Headers headers) {
  http::Request request;
  request.method = method;
  request.target = target;
  request.headers = std::move(headers);
  auto matched = router_.match(request);
  if (const auto* refused = std::get_if<http::Response>(&matched)) {
    ADD_FAILURE() << "no route takes " << http::to_string(method) << " " << target << ": "
                  << refused->status << " " << refused->body;
  }
  return request;
}

http::Response ApiTest::publish(const std::string& target, std::string_view body, Headers headers,
                                std::size_t chunk) {
  http::Request put = request(http::Method::kPut, target, std::move(headers));
  put.content_length = body.size();
  auto opened = open_publish(put, context());
  if (auto* refused = std::get_if<http::Response>(&opened)) return std::move(*refused);
  auto& consumer = std::get<std::unique_ptr<http::BodyConsumer>>(opened);
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(body.data());
  for (std::size_t at = 0; at < body.size(); at += chunk) {
    const std::size_t size = std::min(chunk, body.size() - at);
    if (auto written = consumer->write({bytes + at, size}); !written) {
      return http::error_response(written.error());
    }
  }
  return consumer->finish(put);
}

std::string ApiTest::body_of(const http::Response& response) {
  return response.shared_body ? *response.shared_body : response.body;
}

ErrorBody ApiTest::error_body(const http::Response& response) {
  auto error = parse_error_body(body_of(response));
  EXPECT_TRUE(error) << response.status << " " << body_of(response);
  return error ? *error : ErrorBody{};
}

}  // namespace wreg::api
