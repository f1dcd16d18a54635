#include "client/cache.h"

#include "client/file_io.h"

namespace wreg::client {

std::filesystem::path Cache::blob_path(const Digest& digest) const {
  auto hex = digest.hex();
  return root_ / "blobs" / "sha256" / hex.substr(0, 2) / hex;
}

std::optional<std::string> Cache::blob(const Digest& digest) const {
  auto path = blob_path(digest);
  auto bytes = read_file(path);
  if (!bytes) return std::nullopt;
  if (!(Digest::of(std::string_view(*bytes)) == digest)) {
    // Damaged: drop it so that the next download replaces it. A failed removal only means the
    // next read checks it again.
    (void)remove_file(path);
    return std::nullopt;
  }
  return std::move(*bytes);
}

Result<void> Cache::store_blob(const Digest& digest, const std::string& bytes) const {
  return write_file_atomically(blob_path(digest), bytes, 0644, Durability::kNoFsync);
}

std::filesystem::path Cache::document_path(const std::string& registry,
                                           const PackageName& name) const {
  auto key = Digest::of(std::string_view(registry)).hex().substr(0, 16);
  return root_ / "documents" / key / name.space() / (name.name() + ".json");
}

std::optional<CachedDocument> Cache::document(const std::string& registry,
                                              const PackageName& name) const {
  auto text = read_file(document_path(registry, name));
  if (!text) return std::nullopt;
  auto newline = text->find('\n');
  if (newline == std::string::npos) return std::nullopt;
  return CachedDocument{text->substr(0, newline), text->substr(newline + 1)};
}

Result<void> Cache::store_document(const std::string& registry, const PackageName& name,
                                   const CachedDocument& document) const {
  if (document.etag.find('\n') != std::string::npos) {
    return fail(ErrorCode::kInvalidArgument, "an ETag with a line break cannot be cached");
  }
  return write_file_atomically(document_path(registry, name), document.etag + "\n" + document.json,
                               0644, Durability::kNoFsync);
}

}  // namespace wreg::client
