// GET/HEAD /api/v1/blobs/{digest}: the published bytes.
#include "common/text.h"
#include "server/api/blob_response.h"
#include "server/api/handlers.h"
#include "server/api/request_values.h"

namespace wreg::api {

namespace {

struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t length = 0;
};

// One range of RFC 9110 §14.1.2 (`bytes=0-99`, `bytes=100-`, `bytes=-100`) against a blob of
// `size` bytes. nullopt: ignore the header and send everything (a multi-range or another unit,
// which the RFC allows a server to ignore). A range past the end: `unsatisfiable`.
std::optional<ByteRange> parse_range(std::string_view header, std::uint64_t size,
                                     bool& unsatisfiable) {
  unsatisfiable = false;
  constexpr std::string_view kUnit = "bytes=";
  if (header.substr(0, kUnit.size()) != kUnit) return std::nullopt;
  std::string_view spec = header.substr(kUnit.size());
  if (spec.find(',') != std::string_view::npos) return std::nullopt;
  auto dash = spec.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  std::string_view first_text = spec.substr(0, dash);
  std::string_view last_text = spec.substr(dash + 1);
  std::uint64_t first = 0;
  std::uint64_t last = 0;
  if (first_text.empty()) {
    std::uint64_t suffix = 0;
    if (!parse_decimal(last_text, suffix)) return std::nullopt;
    if (suffix == 0 || size == 0) {
      unsatisfiable = true;
      return std::nullopt;
    }
    suffix = std::min(suffix, size);
    return ByteRange{size - suffix, suffix};
  }
  if (!parse_decimal(first_text, first)) return std::nullopt;
  if (last_text.empty()) {
    last = size == 0 ? 0 : size - 1;
  } else if (!parse_decimal(last_text, last) || last < first) {
    return std::nullopt;
  }
  if (first >= size) {
    unsatisfiable = true;
    return std::nullopt;
  }
  last = std::min(last, size - 1);
  return ByteRange{first, last - first + 1};
}

}  // namespace

http::Response blob_response(const http::Request& request, const Digest& digest,
                             const store::BlobFile& blob, std::string_view content_type) {
  std::string etag = "\"" + digest.to_string() + "\"";
  auto set_cache_headers = [&etag](http::Response& response) {
    response.set("ETag", etag);
    response.set("Cache-Control", "public, max-age=31536000, immutable");
    response.set("Accept-Ranges", "bytes");
  };
  if (const std::string* tags = request.header("if-none-match");
      tags && if_none_match(*tags, etag)) {
    http::Response response;
    response.status = 304;
    set_cache_headers(response);
    return response;
  }
  http::Response response;
  set_cache_headers(response);
  response.set("Content-Type", std::string(content_type));
  response.file = http::Response::File{blob.path.string(), 0, blob.size};
  if (const std::string* range = request.header("range")) {
    bool unsatisfiable = false;
    auto wanted = parse_range(*range, blob.size, unsatisfiable);
    if (unsatisfiable) {
      http::Response refused =
          http::error_response(416, "range_not_satisfiable",
                               "the range " + *range + " is outside the blob's " +
                                   std::to_string(blob.size) + " bytes; ask for bytes=0-" +
                                   std::to_string(blob.size == 0 ? 0 : blob.size - 1) + " or less");
      refused.set("Content-Range", "bytes */" + std::to_string(blob.size));
      return refused;
    }
    if (wanted) {
      response.status = 206;
      response.file->offset = wanted->first;
      response.file->length = wanted->length;
      response.set("Content-Range", "bytes " + std::to_string(wanted->first) + "-" +
                                        std::to_string(wanted->first + wanted->length - 1) + "/" +
                                        std::to_string(blob.size));
    }
  }
  return response;
}

http::Response get_blob(const http::Request& request, ApiContext& context) {
  if (auto access = check_read_access(request, context); !access) return error_of(access.error());
  auto digest = digest_of(request);
  if (!digest) return error_of(digest.error());
  auto blob = context.blobs.locate(*digest);
  if (!blob) {
    if (blob.error().code == ErrorCode::kNotFound) {
      return error_of(fail(ErrorCode::kNotFound, "no blob " + digest->to_string() +
                                                     " is stored here; take digests from a "
                                                     "package document"));
    }
    return error_of(blob.error());
  }
  return blob_response(request, *digest, *blob, "application/wasm");
}

}  // namespace wreg::api
