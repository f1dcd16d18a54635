#include "server/http/message.h"

#include "common/api/answers.h"
#include "server/http/status_table.h"

namespace wreg::http {

namespace {

template <typename Map>
const std::string* find_in(const Map& map, std::string_view key) {
  auto it = map.find(std::string(key));
  return it == map.end() ? nullptr : &it->second;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

const char* to_string(Method method) {
  switch (method) {
    case Method::kGet:
      return "GET";
    case Method::kHead:
      return "HEAD";
    case Method::kPut:
      return "PUT";
    case Method::kPost:
      return "POST";
    case Method::kPatch:
      return "PATCH";
    case Method::kDelete:
      return "DELETE";
    case Method::kOptions:
      return "OPTIONS";
    case Method::kOther:
      return "OTHER";
  }
  return "OTHER";
}

const std::string* Request::header(std::string_view lowercase_name) const {
  return find_in(headers, lowercase_name);
}
const std::string* Request::param(std::string_view name) const { return find_in(params, name); }
const std::string* Request::query_param(std::string_view name) const {
  return find_in(query, name);
}

void Response::set(std::string_view name, std::string value) {
  for (auto& [key, existing] : headers) {
    if (iequals(key, name)) {
      existing = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::string(name), std::move(value));
}

const std::string* Response::find(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return &value;
  }
  return nullptr;
}

Response json_response(int status, std::string json) {
  Response response;
  response.status = status;
  response.set("Content-Type", "application/json");
  response.body = std::move(json);
  return response;
}

Response error_response(int status, std::string_view code, std::string_view message) {
  return json_response(status,
                       api::to_json(api::ErrorBody{std::string(code), std::string(message)}));
}

Response error_response(const Error& error) {
  int status = http_status(error.code);
  // Store, auth and handler messages are written to be safe for clients (server/store/log_sink.h);
  // only a broken invariant gets a generic message, with the detail kept for the log.
  if (error.code == ErrorCode::kInternal) {
    Response response =
        error_response(status, error_code_name(error.code),
                       "the server failed to handle this request; its log has the details, "
                       "and retrying later may help");
    response.log_detail = error.message;
    return response;
  }
  return error_response(status, error_code_name(error.code), error.message);
}

}  // namespace wreg::http
