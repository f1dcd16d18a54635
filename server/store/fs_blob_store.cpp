#include "server/store/fs_blob_store.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <system_error>

#include "common/hex.h"

namespace wreg::store {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kChunk = 1 << 20;

// The two kinds of file in blobs/tmp/: an upload in progress, and a blob gc has set aside while
// it decides (remove_orphan). Only the first may ever be deleted as stale.
constexpr std::string_view kUploadPrefix = "upload-";
constexpr std::string_view kSetAsidePrefix = "gc-";

// 16 hex digits for temp file names; collisions are caught by O_EXCL and retried.
std::string random_suffix() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  std::uint64_t value = engine();
  std::string text;
  for (int byte = 0; byte < 8; ++byte, value >>= 8) {
    append_hex(text, static_cast<std::uint8_t>(value & 0xff));
  }
  return text;
}

Error too_large(std::uint64_t limit) {
  return fail(ErrorCode::kTooLarge, "the upload is larger than the limit of " +
                                        std::to_string(limit) +
                                        " bytes; publish a smaller file or ask the operator to "
                                        "raise the limit");
}

// Hashes a file in chunks.
Result<BlobInfo> hash_file(const fs::path& path, std::string& detail) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    const bool missing = !fs::exists(path, ec);
    detail = "open " + path.string() + (missing ? ": no such file" : ": cannot open");
    return fail(missing ? ErrorCode::kNotFound : ErrorCode::kIo, "");
  }
  Sha256 hasher;
  std::vector<char> buffer(kChunk);
  BlobInfo info;
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto n = static_cast<std::size_t>(in.gcount());
    if (n == 0) break;
    hasher.update(std::string_view(buffer.data(), n));
    info.size += n;
  }
  if (in.bad()) {
    detail = "read " + path.string() + ": I/O error";
    return fail(ErrorCode::kIo, "");
  }
  info.digest = hasher.finish();
  return info;
}

}  // namespace

class FsBlobWriter final : public BlobWriter {
 public:
  FsBlobWriter(FsBlobStore& store, fs::path temp, std::unique_ptr<WritableFile> file,
               std::uint64_t limit)
      : store_(store), temp_(std::move(temp)), file_(std::move(file)), limit_(limit) {}

  ~FsBlobWriter() override {
    if (committed_) return;
    file_.reset();
    if (const SysError error = store_.fs_.remove(temp_); error && error.error != ENOENT) {
      store_.log_("could not remove an abandoned upload: " + error.detail);
    }
  }
  FsBlobWriter(const FsBlobWriter&) = delete;
  FsBlobWriter& operator=(const FsBlobWriter&) = delete;

  Result<void> write(std::span<const std::uint8_t> chunk) override {
    if (failed_) return *failed_;
    if (finished_) return fail(ErrorCode::kInternal, "write after finish on a blob upload");
    if (chunk.size() > limit_ - size_) return set_failed(too_large(limit_));
    if (const SysError error = file_->append(chunk)) {
      return set_failed(store_.io_error(error, "store the upload"));
    }
    hasher_.update(chunk);
    size_ += chunk.size();
    return {};
  }

  std::uint64_t size() const override { return size_; }

  Result<BlobInfo> finish() override {
    if (failed_) return *failed_;
    if (finished_) return info_;
    if (const SysError error = file_->sync()) {
      return set_failed(store_.io_error(error, "store the upload"));
    }
    if (const SysError error = file_->close()) {
      return set_failed(store_.io_error(error, "store the upload"));
    }
    info_ = BlobInfo{hasher_.finish(), size_};
    finished_ = true;
    return info_;
  }

  Result<MappedFile> read_back(std::uint64_t max_bytes) override {
    auto info = finish();
    if (!info) return std::move(info).error();
    if (info->size > max_bytes) return too_large(max_bytes);
    // Mapped, not read: a 100 MiB upload costs no heap, and the reader pages in what it touches.
    const fs::path path = committed_ ? store_.blob_path(info->digest) : temp_;
    auto mapped = MappedFile::open(path.string());
    if (!mapped) {
      store_.log_("could not read back an upload: " + mapped.error().message);
      return fail(ErrorCode::kIo, "could not read the upload back; see the server log");
    }
    return mapped;
  }

  Result<BlobInfo> commit() override {
    if (committed_) return info_;
    auto info = finish();
    if (!info) return info;
    if (auto installed = store_.install(temp_, info_.digest); !installed) {
      return set_failed(std::move(installed).error());
    }
    committed_ = true;
    return info_;
  }

 private:
  Error set_failed(Error error) {
    failed_ = error;
    return error;
  }

  FsBlobStore& store_;
  fs::path temp_;
  std::unique_ptr<WritableFile> file_;
  std::uint64_t limit_;
  std::uint64_t size_ = 0;
  Sha256 hasher_;
  BlobInfo info_;
  bool finished_ = false;
  bool committed_ = false;
  std::optional<Error> failed_;
};

FsBlobStore::FsBlobStore(fs::path root, LogSink log, FileSystem& fs)
    : blobs_dir_(root / "sha256"), temp_dir_(root / "tmp"), log_(std::move(log)), fs_(fs) {}

Result<std::unique_ptr<FsBlobStore>> FsBlobStore::open(const fs::path& blob_dir, LogSink log,
                                                       FileSystem& fs) {
  if (!log) log = stderr_log_sink();
  std::unique_ptr<FsBlobStore> store(new FsBlobStore(blob_dir, std::move(log), fs));
  for (const fs::path& dir : {store->blobs_dir_, store->temp_dir_}) {
    if (const SysError error = fs.create_dirs(dir)) {
      return store->io_error(error, "create the blob directories");
    }
  }
  store->put_back_set_aside_blobs();
  return store;
}

void FsBlobStore::put_back_set_aside_blobs() {
  // A gc killed between moving a blob aside and deleting or putting it back leaves the blob
  // here, possibly still referenced: it goes back under its digest. Putting back an orphan that
  // a concurrent gc is deleting only leaves the orphan for the next gc.
  std::error_code ec;
  for (auto entry = fs::directory_iterator(temp_dir_, ec); !ec && entry != fs::directory_iterator();
       entry.increment(ec)) {
    const std::string name = entry->path().filename().string();
    if (!name.starts_with(kSetAsidePrefix)) continue;
    const std::string_view hex_and_suffix = std::string_view(name).substr(kSetAsidePrefix.size());
    auto digest = Digest::parse(std::string(Digest::kPrefix) +
                                std::string(hex_and_suffix.substr(0, hex_and_suffix.find('-'))));
    if (!digest) continue;
    const fs::path target = blob_path(*digest);
    SysError error = fs_.create_dirs(target.parent_path());
    if (!error) error = fs_.link(entry->path(), target);
    if (error && error.error != EEXIST) {
      log_("could not put back blob " + digest->to_string() + " set aside by an interrupted gc (" +
           entry->path().string() + "): " + error.detail);
      continue;
    }
    if (!error) {
      if (const SysError synced = fs_.sync_dir(target.parent_path())) {
        log_("could not sync the blob directory after putting back " + digest->to_string() + ": " +
             synced.detail);
        continue;
      }
      log_("put back blob " + digest->to_string() + ", set aside by an interrupted gc");
    }
    if (const SysError removed = fs_.remove(entry->path())) {
      log_("could not remove " + entry->path().string() + ": " + removed.detail);
    }
  }
}

Error FsBlobStore::io_error(const SysError& error, const char* action) const {
  return disk_error(log_, error, action);
}

fs::path FsBlobStore::blob_path(const Digest& digest) const {
  const std::string hex = digest.hex();
  return blobs_dir_ / hex.substr(0, 2) / hex;
}

Result<std::unique_ptr<BlobWriter>> FsBlobStore::begin(std::uint64_t limit) {
  for (int attempt = 0;; ++attempt) {
    fs::path temp = temp_dir_ / (std::string(kUploadPrefix) + random_suffix());
    std::unique_ptr<WritableFile> file;
    const SysError error = fs_.create_new(temp, file);
    if (!error) {
      return std::unique_ptr<BlobWriter>(
          new FsBlobWriter(*this, std::move(temp), std::move(file), limit));
    }
    if (error.error != EEXIST || attempt == 8) return io_error(error, "start storing the upload");
  }
}

Result<void> FsBlobStore::install(const fs::path& temp, const Digest& digest) {
  const fs::path target = blob_path(digest);
  const fs::path shard = target.parent_path();
  std::error_code ec;
  if (!fs::is_directory(shard, ec)) {
    if (const SysError error = fs_.create_dirs(shard)) {
      return io_error(error, "create a blob directory");
    }
    // The new shard's own entry must survive a crash too, or the blob in it would not.
    if (const SysError error = fs_.sync_dir(blobs_dir_)) return io_error(error, "store the blob");
  }
  // A concurrent gc may move the existing blob aside between link() and touch(); then the link
  // is simply tried again.
  for (int attempt = 0; attempt < 4; ++attempt) {
    const SysError linked = fs_.link(temp, target);
    if (!linked) {
      if (const SysError error = fs_.sync_dir(shard)) return io_error(error, "store the blob");
      break;
    }
    if (linked.error != EEXIST) return io_error(linked, "store the blob");
    const SysError touched = fs_.touch(target);
    if (!touched) break;
    if (touched.error != ENOENT) return io_error(touched, "store the blob");
  }
  // The blob is durable under its digest now; the temp name is just dropped.
  if (const SysError error = fs_.remove(temp); error && error.error != ENOENT) {
    log_("could not remove a committed upload's temp file: " + error.detail);
  }
  return {};
}

Result<BlobFile> FsBlobStore::locate(const Digest& digest) {
  auto not_found = [&digest] {
    return fail(ErrorCode::kNotFound, "no blob " + digest.to_string() + " is stored");
  };
  fs::path path = blob_path(digest);
  struct ::stat status {};
  if (::stat(path.c_str(), &status) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return not_found();
    return io_error(SysError{errno, "stat blob " + digest.hex() + ": " + std::strerror(errno)},
                    "look up a blob");
  }
  if (!S_ISREG(status.st_mode)) return not_found();
  return BlobFile{std::move(path), static_cast<std::uint64_t>(status.st_size)};
}

Result<Digest> FsBlobStore::rehash(const Digest& digest) {
  std::string detail;
  auto info = hash_file(blob_path(digest), detail);
  if (info) return info->digest;
  if (info.error().code == ErrorCode::kNotFound) {
    return fail(ErrorCode::kNotFound, "no blob " + digest.to_string() + " is stored");
  }
  log_("could not re-hash a blob: " + detail);
  return fail(ErrorCode::kIo, "could not read blob " + digest.to_string() + "; see the server log");
}

Result<BlobStore::Listing> FsBlobStore::list() {
  Listing listing;
  std::error_code ec;
  const fs::path blobs_root = blobs_dir_.parent_path();
  for (auto shard = fs::directory_iterator(blobs_dir_, ec);
       !ec && shard != fs::directory_iterator(); shard.increment(ec)) {
    const std::string shard_name = shard->path().filename().string();
    if (!shard->is_directory(ec) || shard_name.size() != 2 || !is_lower_hex(shard_name)) {
      listing.strays.push_back(fs::relative(shard->path(), blobs_root, ec).string());
      continue;
    }
    for (auto entry = fs::directory_iterator(shard->path(), ec);
         !ec && entry != fs::directory_iterator(); entry.increment(ec)) {
      const std::string name = entry->path().filename().string();
      auto digest = Digest::parse(std::string(Digest::kPrefix) + name);
      if (!digest || name.substr(0, 2) != shard_name || !entry->is_regular_file(ec)) {
        listing.strays.push_back(fs::relative(entry->path(), blobs_root, ec).string());
        continue;
      }
      StoredBlob blob{*digest, entry->file_size(ec), entry->last_write_time(ec)};
      if (ec) break;
      listing.blobs.push_back(blob);
    }
    if (ec) break;
  }
  if (ec) {
    return io_error(SysError{ec.value(), "list " + blobs_dir_.string() + ": " + ec.message()},
                    "list the blobs");
  }
  std::sort(listing.blobs.begin(), listing.blobs.end(),
            [](const StoredBlob& a, const StoredBlob& b) { return a.digest < b.digest; });
  std::sort(listing.strays.begin(), listing.strays.end());
  return listing;
}

Result<bool> FsBlobStore::remove_orphan(const Digest& digest, fs::file_time_type older_than,
                                        const std::function<Result<bool>()>& unreferenced) {
  const fs::path target = blob_path(digest);
  const fs::path aside =
      temp_dir_ / (std::string(kSetAsidePrefix) + digest.hex() + "-" + random_suffix());
  if (const SysError error = fs_.rename(target, aside)) {
    if (error.error == ENOENT) {
      return fail(ErrorCode::kNotFound, "no blob " + digest.to_string() + " is stored");
    }
    return io_error(error, "move an orphaned blob aside");
  }
  // From here a publish of the same bytes links a fresh file; one that found the old file and
  // touched it shows in the modification time, one that recorded a release in `unreferenced`.
  std::error_code ec;
  const auto modified = fs::last_write_time(aside, ec);
  Result<bool> still_orphan = false;
  if (!ec && modified < older_than) still_orphan = unreferenced();
  if (still_orphan && *still_orphan) {
    if (const SysError error = fs_.remove(aside)) return io_error(error, "remove a blob");
    if (const SysError error = fs_.sync_dir(target.parent_path())) {
      return io_error(error, "remove a blob");
    }
    return true;
  }
  if (const SysError error = fs_.link(aside, target); error && error.error != EEXIST) {
    return io_error(error, "put back a blob that is in use");
  }
  if (const SysError error = fs_.remove(aside)) {
    log_("could not remove a blob's temp name after putting it back: " + error.detail);
  }
  if (!still_orphan) return std::move(still_orphan).error();
  return false;
}

Result<std::size_t> FsBlobStore::remove_stale_temp_files(std::chrono::seconds grace) {
  const auto cutoff = fs::file_time_type::clock::now() - grace;
  std::size_t removed = 0;
  std::error_code ec;
  for (auto entry = fs::directory_iterator(temp_dir_, ec); !ec && entry != fs::directory_iterator();
       entry.increment(ec)) {
    std::error_code time_ec;
    if (!entry->path().filename().string().starts_with(kUploadPrefix)) continue;
    const auto modified = entry->last_write_time(time_ec);
    if (time_ec || modified >= cutoff) continue;
    if (const SysError error = fs_.remove(entry->path())) {
      if (error.error != ENOENT) return io_error(error, "remove an abandoned upload");
      continue;
    }
    ++removed;
  }
  if (ec) {
    return io_error(SysError{ec.value(), "list " + temp_dir_.string() + ": " + ec.message()},
                    "list abandoned uploads");
  }
  return removed;
}

}  // namespace wreg::store
