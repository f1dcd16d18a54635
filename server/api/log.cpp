// The transparency log's routes (handlers.h), and await_log() for the handlers that write.
#include <string>

#include "common/tlog/consistency.h"
#include "common/tlog/tiles.h"
#include "server/api/api.h"
#include "server/api/handlers.h"
#include "server/api/request_values.h"
#include "server/tlog/transparency_log.h"
#include "server/tlog/witness.h"

namespace wreg::api {
namespace {

http::Response text_response(std::string body, std::string cache_control) {
  http::Response response;
  response.set("Content-Type", "text/plain; charset=utf-8");
  response.set("Cache-Control", std::move(cache_control));
  response.body = std::move(body);
  return response;
}

}  // namespace

Result<tlog::TransparencyLog*> log_of(const ApiContext& context) {
  if (context.log == nullptr) {
    return fail(ErrorCode::kNotFound, "this registry keeps no transparency log");
  }
  return context.log;
}

std::optional<Error> await_log(ApiContext& context) {
  if (context.log == nullptr) return std::nullopt;
  auto signed_checkpoint = context.log->await_entries();
  if (!signed_checkpoint) return std::move(signed_checkpoint).error();
  return std::nullopt;
}

http::Response get_checkpoint(const http::Request& request, ApiContext& context) {
  if (auto access = check_read_access(request, context); !access) return error_of(access.error());
  auto log = log_of(context);
  if (!log) return error_of(log.error());
  // Mutable: a client or cache may keep it a moment, never longer (c2sp.org/tlog-tiles).
  return text_response((*log)->latest()->note, "no-cache");
}

http::Response get_log_key(const http::Request& request, ApiContext& context) {
  if (auto access = check_read_access(request, context); !access) return error_of(access.error());
  auto log = log_of(context);
  if (!log) return error_of(log.error());
  return text_response((*log)->verifier().to_string() + "\n", "public, max-age=86400");
}

http::Response get_tile(const http::Request& request, ApiContext& context) {
  if (auto access = check_read_access(request, context); !access) return error_of(access.error());
  auto log = log_of(context);
  if (!log) return error_of(log.error());
  // The router matched /log/tile/...; the tile path is every segment after /log.
  std::string path;
  for (std::size_t i = 1; i < request.segments.size(); ++i) {
    if (i > 1) path += '/';
    path += request.segments[i];
  }
  auto tile = tlog::parse_tile_path(path);
  if (!tile) {
    return error_of(fail(ErrorCode::kInvalidArgument,
                         "not a tile of c2sp.org/tlog-tiles: use /log/tile/<level>/<index> or "
                         "/log/tile/entries/<index>, the index in 3-digit groups (x001/234), with "
                         ".p/<width> for a partial tile"));
  }
  auto bytes = (*log)->tile(*tile);
  if (!bytes) return error_of(bytes.error());
  http::Response response;
  response.set("Content-Type", "application/octet-stream");
  response.set("Cache-Control", "public, max-age=31536000, immutable");
  response.body = std::move(*bytes);
  return response;
}

http::Response get_consistency(const http::Request& request, ApiContext& context) {
  if (auto access = check_read_access(request, context); !access) return error_of(access.error());
  auto log = log_of(context);
  if (!log) return error_of(log.error());
  auto from = number_param(request, "from", 0, UINT64_MAX);
  if (!from) return error_of(from.error());
  if (!*from) {
    return error_of(fail(ErrorCode::kInvalidArgument,
                         "name the tree size to prove consistency from: /log/consistency?from=N"));
  }
  auto to = number_param(request, "to", 0, UINT64_MAX);
  if (!to) return error_of(to.error());
  const auto latest = (*log)->latest();
  auto proof = (*log)->consistency_proof(**from, to->value_or(latest->checkpoint.size));
  if (!proof) return error_of(proof.error());
  // To a size the client names, it holds that checkpoint already; to the newest, it gets it here.
  const tlog::ConsistencyBody body{**from, std::move(*proof), *to ? "" : latest->note};
  return text_response(body.text(), *to ? "public, max-age=31536000, immutable" : "no-cache");
}

http::Response add_witnessed_checkpoint(const http::Request& request, ApiContext& context) {
  if (context.witness == nullptr) {
    return error_of(fail(ErrorCode::kNotFound, "this registry witnesses no transparency log"));
  }
  tlog::WitnessAnswer answer = context.witness->add_checkpoint(request.body);
  http::Response response;
  response.status = answer.status;
  response.set("Content-Type", answer.content_type);
  response.set("Cache-Control", "no-store");
  response.body = std::move(answer.body);
  return response;
}

}  // namespace wreg::api
