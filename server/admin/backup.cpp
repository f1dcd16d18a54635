#include "server/admin/backup.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

#include "common/file_descriptor.h"
#include "common/mapped_file.h"
#include "common/output_path.h"
#include "server/store/secret_file.h"
#include "server/tlog/log_key.h"

namespace wreg::admin {
namespace {

namespace fs = std::filesystem;

Error io_error(const std::string& what, const fs::path& path, int err) {
  return fail(ErrorCode::kIo, "cannot " + what + " " + path.string() + ": " + std::strerror(err));
}

// `to` as an absolute path without a trailing `/` (`backup/` names the folder `backup`).
fs::path folder_path(const fs::path& to) {
  fs::path folder = fs::absolute(to).lexically_normal();
  if (!folder.has_filename() && folder.has_relative_path()) folder = folder.parent_path();
  return folder;
}

// Checks `to` and returns the folder it goes in. See back_up() for the errors.
Result<fs::path> parent_for(const fs::path& to) {
  auto target = output_target(to);
  if (!target) return std::move(target).error();
  switch (target->kind) {
    case OutputKind::kNew:
      break;
    case OutputKind::kStandardOutput:
    case OutputKind::kStream:
      return fail(ErrorCode::kInvalidArgument,
                  "cannot back up to " + to.string() +
                      ": a backup is a data directory, not a stream; name a new folder");
    case OutputKind::kRegularFile:
    case OutputKind::kDirectory:
      return fail(ErrorCode::kAlreadyExists,
                  to.string() + " already exists; choose a new folder for the backup");
  }
  fs::path parent = folder_path(to).parent_path();
  std::error_code ec;
  if (!fs::is_directory(parent, ec)) {
    return fail(ErrorCode::kInvalidArgument, "cannot back up to " + to.string() + ": the folder " +
                                                 parent.string() +
                                                 " does not exist; create it first");
  }
  return parent;
}

// The hidden folder beside `to` where the backup is built.
fs::path partial_path(const fs::path& parent, const fs::path& to) {
  return parent /
         ("." + folder_path(to).filename().string() + ".partial-" + std::to_string(::getpid()));
}

// Removes the partial folder unless the backup completed.
class PartialFolder {
 public:
  explicit PartialFolder(fs::path path) : path_(std::move(path)) {}
  ~PartialFolder() {
    if (path_.empty()) return;
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  PartialFolder(const PartialFolder&) = delete;
  PartialFolder& operator=(const PartialFolder&) = delete;
  const fs::path& path() const { return path_; }
  void keep() { path_.clear(); }

 private:
  fs::path path_;
};

// Whether link(2) failed because this file system (or this pair of them) does not do hard
// links, so that a copy is the way.
bool links_unavailable(int err) {
  return err == EXDEV || err == EPERM || err == EMLINK || err == ENOTSUP || err == EOPNOTSUPP ||
         err == EACCES;
}

// Puts one blob of `source` into `copy`: a hard link, else a copy, then re-hashed there.
// Returns whether it was linked.
Result<bool> copy_blob(store::DataDir& source, store::DataDir& copy,
                       const store::ReferencedBlob& blob) {
  auto stored = source.blobs->locate(blob.digest);
  if (!stored) {
    if (stored.error().code != ErrorCode::kNotFound) return std::move(stored).error();
    return fail(ErrorCode::kCorrupt, "blob " + blob.digest.to_string() + " of " +
                                         blob.first_named.to_string() + " is missing from " +
                                         source.root.string() +
                                         "; run `wreg-server fsck` there, then back up again");
  }
  if (stored->size != blob.size) {
    return fail(ErrorCode::kCorrupt,
                "blob " + blob.digest.to_string() + " of " + blob.first_named.to_string() +
                    " has " + std::to_string(stored->size) + " bytes, the release records " +
                    std::to_string(blob.size) + "; run `wreg-server fsck` on " +
                    source.root.string());
  }
  const fs::path target = copy.blobs->blob_path(blob.digest);
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) return io_error("create", target.parent_path(), ec.value());

  bool linked = ::link(stored->path.c_str(), target.c_str()) == 0;
  Digest actual;
  if (linked) {
    auto rehashed = copy.blobs->rehash(blob.digest);
    if (!rehashed) return std::move(rehashed).error();
    actual = *rehashed;
  } else {
    if (!links_unavailable(errno)) return io_error("link a blob into", target, errno);
    // Copied the way a publish stores bytes: through a BlobWriter (hashed as written, fsynced,
    // renamed into place), so the digest checked below is that of the bytes now in the copy.
    auto bytes = MappedFile::open(stored->path.string());
    if (!bytes) return std::move(bytes).error();
    auto writer = copy.blobs->begin(blob.size);
    if (!writer) return std::move(writer).error();
    if (auto written = (*writer)->write(bytes->bytes()); !written) {
      return std::move(written).error();
    }
    auto committed = (*writer)->commit();
    if (!committed) return std::move(committed).error();
    actual = committed->digest;
  }
  if (!(actual == blob.digest)) {
    return fail(ErrorCode::kCorrupt,
                "blob " + blob.digest.to_string() + " of " + blob.first_named.to_string() + " in " +
                    source.root.string() + " is corrupt (its bytes hash to " + actual.to_string() +
                    "); run `wreg-server fsck` there and restore it, then back up again");
  }
  return linked;
}

// The transparency log's signing key, and the keys rotated out before it, when `data` has them:
// a restored registry without its key could not sign its log on (serve refuses to start a new log
// over old checkpoints), and without the retired ones not verify what they signed. And the
// witness key, which the logs it witnesses trust.
Result<void> copy_log_keys(const fs::path& data, const fs::path& copy) {
  static constexpr std::string_view kWhat = "a signing key";
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(data, ec)) {
    const std::string name = entry.path().filename().string();
    if (!tlog::is_key_file(name)) continue;
    auto key = store::read_secret_file(entry.path(), kWhat, 4096);
    if (!key) return std::move(key).error();
    if (!*key) continue;
    auto written = store::create_secret_file(copy / name, kWhat, **key);
    OPENSSL_cleanse((*key)->data(), (*key)->size());
    if (!written) return std::move(written).error();
  }
  if (ec) return io_error("list", data, ec.value());
  return {};
}

// Flushes everything under `dir` to disk (one syncfs(2) covers the database, the blobs and the
// links), so that a backup reported done survives a power loss.
Result<void> flush(const fs::path& dir) {
  FileDescriptor fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return io_error("open", dir, errno);
  if (::syncfs(fd.get()) != 0) return io_error("flush", dir, errno);
  return {};
}

}  // namespace

Result<BackupReport> back_up(store::DataDir& source, const fs::path& to) {
  if (!source.sqlite) {
    return fail(ErrorCode::kInvalidArgument,
                "backup copies a registry whose database is SQLite; this one's is PostgreSQL: "
                "back it up with pg_dump, and copy the blob folder and the data directory's "
                "*.key files");
  }
  auto parent = parent_for(to);
  if (!parent) return std::move(parent).error();
  PartialFolder partial(partial_path(*parent, to));
  if (::mkdir(partial.path().c_str(), 0755) != 0) {
    const int err = errno;
    if (err != EEXIST) return io_error("create", partial.path(), err);
    // Left by a backup that was killed (same process id, long ago): its contents are void.
    std::error_code ec;
    fs::remove_all(partial.path(), ec);
    if (ec || ::mkdir(partial.path().c_str(), 0755) != 0) {
      return io_error("create", partial.path(), ec ? ec.value() : errno);
    }
  }

  if (auto copied = source.sqlite->backup_to(store::database_path(partial.path())); !copied) {
    return std::move(copied).error();
  }
  if (auto copied = copy_log_keys(source.root, partial.path()); !copied) {
    return std::move(copied).error();
  }
  BackupReport report;
  {
    store::DataDirOptions options;
    options.missing = store::MissingDir::kRefuse;
    options.connections = 1;
    auto copy = store::open_data_dir(partial.path(), std::move(options));
    if (!copy) return std::move(copy).error();
    // The blobs the copied database names: exactly what the snapshot needs.
    auto referenced = copy->metadata->referenced_blobs();
    if (!referenced) return std::move(referenced).error();
    for (const store::ReferencedBlob& blob : *referenced) {
      auto linked = copy_blob(source, *copy, blob);
      if (!linked) return std::move(linked).error();
      ++(*linked ? report.linked : report.copied);
      ++report.blobs;
      report.blob_bytes += blob.size;
    }
    auto counts = copy->metadata->counts();
    if (!counts) return std::move(counts).error();
    report.releases = counts->releases;
  }  // the copy's stores close here: its WAL is checkpointed into wreg.db

  if (auto flushed = flush(partial.path()); !flushed) return std::move(flushed).error();
  if (::renameat2(AT_FDCWD, partial.path().c_str(), AT_FDCWD, folder_path(to).c_str(),
                  RENAME_NOREPLACE) != 0) {
    if (errno == EEXIST || errno == ENOTEMPTY) {
      return fail(ErrorCode::kAlreadyExists,
                  to.string() + " appeared while the backup ran; choose a new folder for it");
    }
    return io_error("rename the finished backup to", to, errno);
  }
  partial.keep();
  if (auto flushed = flush(*parent); !flushed) return std::move(flushed).error();
  return report;
}

}  // namespace wreg::admin
