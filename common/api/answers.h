// The small bodies of the wire API (DESIGN.md, "Wire API"; schema/openapi.yaml names each):
//   Published   PUT .../{version}, 201 or 200:
//               {"name","version","digest","size","kind","created"}
//   YankState   POST .../yank and .../unyank: {"name","version","yanked"}
//   ErrorBody   every error: {"error": {"code": "not_found", "message": "..."}}
//   Health      GET /healthz, 200: {"status": "ok"}
//   Whoami      GET /api/v1/whoami, 200: {"token_id", "admin", "namespaces"} (never the secret)
// Each has one reader (kInvalidArgument naming the bad field; unknown fields ignored) and one
// writer (compact JSON, keys sorted).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/api/package_document.h"
#include "common/digest.h"
#include "common/package_ref.h"
#include "common/result.h"

namespace wreg::api {

struct Published {
  PackageVersion id;
  Digest digest;
  std::uint64_t size = 0;
  ReleaseKind kind = ReleaseKind::kComponent;
  bool created = false;  // 201 a new release; 200 these bytes were already this release
};

struct YankState {
  PackageVersion id;
  bool yanked = false;
};

struct ErrorBody {
  // error_code_name() of an ErrorCode, or a protocol-level code such as "method_not_allowed":
  // lowercase letters and '_'.
  std::string code;
  std::string message;  // one line: what was wrong and what to do
};

struct Health {
  std::string status = "ok";  // the only status a 200 carries
};

// Whose the presented token is: its id (what `wreg-server token list` shows and `token revoke`
// takes), whether it is an admin token, and the namespaces it may publish to (sorted).
struct Whoami {
  std::uint64_t token_id = 0;
  bool admin = false;
  std::vector<std::string> namespaces;
};

Result<Published> parse_published(std::string_view json);
Result<YankState> parse_yank_state(std::string_view json);
Result<ErrorBody> parse_error_body(std::string_view json);
Result<Health> parse_health(std::string_view json);
Result<Whoami> parse_whoami(std::string_view json);

std::string to_json(const Published& published);
std::string to_json(const YankState& state);
std::string to_json(const ErrorBody& error);
std::string to_json(const Health& health);
std::string to_json(const Whoami& whoami);

}  // namespace wreg::api
