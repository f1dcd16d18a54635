#include "client/cache.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>
#include <string_view>
#include <vector>

#include "client/file_io.h"

namespace wreg::client {
namespace {

// Deeper than anything wreg writes (documents/<key>/<ns>/<name>.json is the deepest); a walk
// stops there rather than run out of file descriptors in a folder tree someone else made.
constexpr int kMaxDepth = 16;
// A temp file this old belongs to a write that was killed: nothing will rename it.
constexpr std::time_t kStaleTempSeconds = 3600;

// client/file_io.cpp names a temp file `.<target>.tmp-<pid>-<n>`.
bool is_temp_name(std::string_view name) {
  return name.starts_with('.') && name.find(".tmp-") != std::string_view::npos;
}

Error cache_error(const char* what, const std::filesystem::path& path, int err) {
  return fail(ErrorCode::kIo,
              std::string("cannot ") + what + " " + path.string() + ": " + std::strerror(err));
}

struct Walk {
  bool remove = false;
  std::time_t now = 0;
  CacheUsage seen;
};

struct DirCloser {
  void operator()(DIR* dir) const { ::closedir(dir); }
};

// Counts (and with walk.remove, removes) every entry under the folder open at `fd`, which it
// takes over; `path` names that folder in messages. Links are entries like files: fstatat() and
// openat() never follow them, so the walk stays inside the cache.
Result<void> walk_folder(int fd, const std::filesystem::path& path, int depth, Walk& walk) {
  std::unique_ptr<DIR, DirCloser> dir(::fdopendir(fd));
  if (!dir) {
    int err = errno;
    ::close(fd);
    return cache_error("read", path, err);
  }
  // Names first: removing entries while readdir() runs may skip some.
  std::vector<std::string> names;
  errno = 0;
  while (const dirent* entry = ::readdir(dir.get())) {
    std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  if (errno != 0) return cache_error("read", path, errno);
  const int at = ::dirfd(dir.get());
  for (const auto& name : names) {
    struct stat st {};
    if (::fstatat(at, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) continue;  // another wreg removed or renamed it
      return cache_error("read", path / name, errno);
    }
    if (S_ISDIR(st.st_mode)) {
      if (depth >= kMaxDepth) {
        return fail(ErrorCode::kIo, "the cache holds folders nested more than " +
                                        std::to_string(kMaxDepth) + " deep at " +
                                        (path / name).string() +
                                        ", which wreg does not write; remove them by hand");
      }
      int child = ::openat(at, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (child < 0) {
        // Gone, or replaced by a link since fstatat(): either way nothing to walk into.
        if (errno == ENOENT || errno == ELOOP || errno == ENOTDIR) continue;
        return cache_error("read", path / name, errno);
      }
      if (auto walked = walk_folder(child, path / name, depth + 1, walk); !walked) return walked;
      // A folder another wreg has just written into stays.
      if (walk.remove && ::unlinkat(at, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOTEMPTY &&
          errno != EEXIST && errno != ENOENT) {
        return cache_error("remove", path / name, errno);
      }
      continue;
    }
    if (is_temp_name(name) && walk.now - st.st_mtime < kStaleTempSeconds) continue;
    if (walk.remove && ::unlinkat(at, name.c_str(), 0) != 0) {
      if (errno == ENOENT) continue;
      return cache_error("remove", path / name, errno);
    }
    walk.seen.entries += 1;
    walk.seen.bytes += static_cast<std::uint64_t>(st.st_size);
  }
  return {};
}

Result<CacheUsage> walk_cache(const std::filesystem::path& root, bool remove) {
  Walk walk{remove, std::time(nullptr), {}};
  // The cache folder itself may be a link (a cache moved to another disk): that one is followed.
  int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return walk.seen;
    return cache_error("read", root, errno);
  }
  if (auto walked = walk_folder(fd, root, 0, walk); !walked) return std::move(walked).error();
  return walk.seen;
}

}  // namespace

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

Result<CacheUsage> Cache::usage() const { return walk_cache(root_, false); }

Result<CacheUsage> Cache::clean() const { return walk_cache(root_, true); }

}  // namespace wreg::client
