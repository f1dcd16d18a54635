// The small bodies of the wire API (DESIGN.md, "Wire API"; schema/openapi.yaml names each):
//   Published   PUT .../{version}, 201 or 200:
//               {"name","version","digest","size","kind","created","log_index"}
//   ReleaseProof GET .../{version}/proof: {"name","version","log_index","proof",
//               "consistency_from","consistency"}
//   YankState   POST .../yank and .../unyank: {"name","version","yanked"}
//   ErrorBody   every error: {"error": {"code": "not_found", "message": "..."}}
//   Health      GET /healthz, 200: {"status": "ok"}
//   Whoami      GET /api/v1/whoami, 200: {"token_id", "admin", "namespaces"} (never the secret)
// Each has one reader (kInvalidArgument naming the bad field; unknown fields ignored) and one
// writer (compact JSON, keys sorted).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/api/package_document.h"
#include "common/digest.h"
#include "common/package_ref.h"
#include "common/result.h"
#include "common/tlog/merkle.h"

namespace wreg::api {

struct Published {
  PackageVersion id;
  Digest digest;
  std::uint64_t size = 0;
  ReleaseKind kind = ReleaseKind::kComponent;
  bool created = false;  // 201 a new release; 200 these bytes were already this release
  // The index of its publish entry in the registry's transparency log; absent from a registry
  // without one.
  std::optional<std::uint64_t> log_index;
};

// That a release is in the registry's transparency log (server/tlog/transparency_log.h), and
// that the log's newest checkpoint extends the one the client saw before.
struct ReleaseProof {
  PackageVersion id;
  std::uint64_t log_index = 0;  // of the release's publish entry
  // c2sp.org/tlog-proof@v1 (common/tlog/proof.h): the entry's inclusion proof and the signed
  // checkpoint it proves it against.
  std::string proof;
  // The RFC 6962 consistency proof from the tree size the client gave (`?from=N`) to the
  // checkpoint's size; absent when none was asked for, or when N is past the checkpoint's size
  // (the client then sees the log has gone back).
  std::optional<std::uint64_t> consistency_from;
  std::vector<tlog::Hash> consistency;
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
// Checks the shape (canonical base64 hashes, at most 64 of them) but proves nothing:
// client/log_verifier.h does.
Result<ReleaseProof> parse_release_proof(std::string_view json);

std::string to_json(const Published& published);
std::string to_json(const YankState& state);
std::string to_json(const ErrorBody& error);
std::string to_json(const Health& health);
std::string to_json(const Whoami& whoami);
std::string to_json(const ReleaseProof& proof);

}  // namespace wreg::api
