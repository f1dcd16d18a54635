#include "server/store/upload_sessions.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <optional>
#include <system_error>
#include <vector>

#include "common/hex.h"
#include "server/store/file_system.h"

namespace wreg::store {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxIdLength = 64;
// An owner is a repository name, `ns/name`: well under this.
constexpr std::size_t kMaxOwnerBytes = 512;
constexpr std::size_t kReadChunk = 1 << 20;
// Hidden names in uploads/: a session being created, and one being removed.
constexpr std::string_view kCreatingPrefix = ".new-";
constexpr std::string_view kRemovingPrefix = ".gone-";

bool is_session_id(std::string_view id) {
  return !id.empty() && id.size() <= kMaxIdLength && is_lower_hex(id);
}

Error no_session() {
  return fail(ErrorCode::kNotFound,
              "no upload session has this id in this repository; start one with POST "
              "/v2/<ns>/<name>/blobs/uploads/");
}

// The owner file's text, or nullopt when it cannot be read (no such session).
std::optional<std::string> read_owner(const fs::path& dir) {
  FileDescriptor fd(::open((dir / "owner").c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return std::nullopt;
  std::array<char, kMaxOwnerBytes> buffer;
  const ssize_t got = ::read(fd.get(), buffer.data(), buffer.size());
  if (got < 0) return std::nullopt;
  return std::string(buffer.data(), static_cast<std::size_t>(got));
}

}  // namespace

Result<std::unique_ptr<UploadSessions>> UploadSessions::open(const fs::path& data_dir,
                                                             LogSink log) {
  const fs::path root = data_dir / "uploads";
  if (const SysError error = FileSystem::real().create_dirs(root)) {
    return disk_error(log, error, "create the upload sessions directory");
  }
  return std::unique_ptr<UploadSessions>(new UploadSessions(root, std::move(log)));
}

Result<void> UploadSessions::create(std::string_view id, std::string_view owner) {
  if (!is_session_id(id)) {
    return fail(ErrorCode::kInvalidArgument,
                "an upload session id is 1 to 64 lowercase hex digits");
  }
  if (owner.empty() || owner.size() > kMaxOwnerBytes) {
    return fail(ErrorCode::kInvalidArgument, "an upload session's repository name is too long");
  }
  const fs::path target = root_ / id;
  const fs::path building = root_ / (std::string(kCreatingPrefix) + std::string(id));
  std::error_code ec;
  if (fs::exists(target, ec)) return fail(ErrorCode::kAlreadyExists, "the upload id is taken");
  if (::mkdir(building.c_str(), 0755) != 0) {
    return disk_error(log_, sys_error(errno, "mkdir", building), "start an upload session");
  }
  auto abandon = [&](const SysError& error) {
    fs::remove_all(building, ec);
    return disk_error(log_, error, "start an upload session");
  };
  const fs::path owner_path = building / "owner";
  FileDescriptor owner_file(
      ::open(owner_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (owner_file.get() < 0) return abandon(sys_error(errno, "open", owner_path));
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(owner.data());
  if (SysError error = write_all(owner_file.get(), {bytes, owner.size()}, owner_path)) {
    return abandon(error);
  }
  const fs::path data_path = building / "data";
  FileDescriptor data(::open(data_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (data.get() < 0) return abandon(sys_error(errno, "open", data_path));
  // rename(2) of a directory onto a missing name is atomic; onto an existing one it fails
  // (ENOTEMPTY), so a taken id is never overwritten. Nothing is synced yet: an empty session a
  // crash loses is refused afterwards like any unknown one, and the POST-then-PUT flow (most
  // uploads) never pays for it. The first chunk's sync() makes the session durable.
  if (SysError error = FileSystem::real().rename(building, target)) return abandon(error);
  return {};
}

Result<std::uint64_t> UploadSessions::size(std::string_view id, std::string_view owner) {
  if (!is_session_id(id)) return no_session();
  const fs::path dir = root_ / id;
  if (read_owner(dir) != owner) return no_session();
  struct stat info {};
  if (::stat((dir / "data").c_str(), &info) != 0) return no_session();
  return static_cast<std::uint64_t>(info.st_size);
}

Result<std::unique_ptr<UploadSessions::Writer>> UploadSessions::hold(std::string_view id,
                                                                     std::string_view owner,
                                                                     std::uint64_t limit) {
  if (!is_session_id(id)) return no_session();
  const fs::path dir = root_ / id;
  if (read_owner(dir) != owner) return no_session();
  const fs::path data_path = dir / "data";
  FileDescriptor data(::open(data_path.c_str(), O_RDWR | O_APPEND | O_CLOEXEC));
  if (data.get() < 0) return no_session();
  if (::flock(data.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      return fail(ErrorCode::kConflict,
                  "another request is writing to this upload; wait for it to finish, then ask "
                  "GET on the upload's Location where to go on");
    }
    return disk_error(log_, sys_error(errno, "flock", data_path), "open the upload session");
  }
  // A removal may have renamed the session away between the open and the lock: the file held
  // must still be the session's.
  struct stat held {};
  struct stat named {};
  if (::fstat(data.get(), &held) != 0 || ::stat(data_path.c_str(), &named) != 0 ||
      held.st_ino != named.st_ino || held.st_dev != named.st_dev) {
    return no_session();
  }
  // A session that holds bytes was synced by the request that wrote them.
  const auto size = static_cast<std::uint64_t>(held.st_size);
  return std::unique_ptr<Writer>(
      new Writer(*this, std::string(id), std::move(data), size, limit, /*durable=*/size > 0));
}

Result<void> UploadSessions::Writer::append(std::span<const std::uint8_t> chunk) {
  if (chunk.size() > limit_ || size_ > limit_ - chunk.size()) {
    return fail(ErrorCode::kTooLarge, "the upload is larger than the registry's limit of " +
                                          std::to_string(limit_) + " bytes");
  }
  const fs::path path = sessions_.root_ / id_ / "data";
  if (SysError error = write_all(data_.get(), chunk, path)) {
    // Whatever part of the chunk went in is cut off again, so the session keeps whole chunks.
    if (::ftruncate(data_.get(), static_cast<off_t>(size_)) != 0) {
      sessions_.log_("could not cut back " + path.string() + " after a failed write");
    }
    return disk_error(sessions_.log_, error, "store the upload");
  }
  size_ += chunk.size();
  return {};
}

Result<void> UploadSessions::Writer::truncate(std::uint64_t size) {
  if (size > size_) return fail(ErrorCode::kInternal, "an upload session cannot grow by truncate");
  if (::ftruncate(data_.get(), static_cast<off_t>(size)) != 0) {
    return disk_error(sessions_.log_, sys_error(errno, "ftruncate", sessions_.root_ / id_ / "data"),
                      "cut back the upload");
  }
  size_ = size;
  return {};
}

Result<void> UploadSessions::Writer::sync() {
  const fs::path dir = sessions_.root_ / id_;
  if (::fsync(data_.get()) != 0) {
    return disk_error(sessions_.log_, sys_error(errno, "fsync", dir / "data"), "store the upload");
  }
  if (durable_) return {};
  // The first bytes of a session: what create() left unsynced goes to disk with them.
  FileDescriptor owner(::open((dir / "owner").c_str(), O_RDONLY | O_CLOEXEC));
  if (owner.get() < 0 || ::fsync(owner.get()) != 0) {
    return disk_error(sessions_.log_, sys_error(errno, "fsync", dir / "owner"), "store the upload");
  }
  for (const fs::path& each : {dir, sessions_.root_}) {
    if (SysError error = FileSystem::real().sync_dir(each)) {
      return disk_error(sessions_.log_, error, "store the upload");
    }
  }
  durable_ = true;
  return {};
}

Result<void> UploadSessions::Writer::read_all(
    const std::function<Result<void>(std::span<const std::uint8_t>)>& sink) const {
  std::vector<std::uint8_t> buffer(kReadChunk);
  std::uint64_t offset = 0;
  while (offset < size_) {
    const std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), size_ - offset));
    const ssize_t got = ::pread(data_.get(), buffer.data(), want, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      const int error = got < 0 ? errno : EIO;
      return disk_error(sessions_.log_, sys_error(error, "pread", sessions_.root_ / id_ / "data"),
                        "read the upload back");
    }
    if (auto sent = sink({buffer.data(), static_cast<std::size_t>(got)}); !sent) return sent;
    offset += static_cast<std::uint64_t>(got);
  }
  return {};
}

Result<void> UploadSessions::remove(std::unique_ptr<Writer> held) {
  return remove_dir(root_ / held->id_);
}

Result<void> UploadSessions::remove_dir(const fs::path& dir) const {
  const fs::path aside = root_ / (std::string(kRemovingPrefix) + dir.filename().string());
  std::error_code ec;
  fs::remove_all(aside, ec);  // a removal a crash interrupted
  if (SysError error = FileSystem::real().rename(dir, aside)) {
    return disk_error(log_, error, "remove the upload session");
  }
  fs::remove_all(aside, ec);
  if (ec) log_("could not delete " + aside.string() + ": " + ec.message() + "; gc retries");
  return {};
}

Result<std::size_t> UploadSessions::remove_stale(std::chrono::seconds grace) {
  const auto cutoff = fs::file_time_type::clock::now() - grace;
  std::vector<fs::path> stale;
  std::size_t removed = 0;
  std::error_code ec;
  for (auto entry = fs::directory_iterator(root_, ec); !ec && entry != fs::directory_iterator();
       entry.increment(ec)) {
    const std::string name = entry->path().filename().string();
    std::error_code time_ec;
    if (name.starts_with(kCreatingPrefix) || name.starts_with(kRemovingPrefix)) {
      const auto modified = fs::last_write_time(entry->path(), time_ec);
      if (!time_ec && modified < cutoff) stale.push_back(entry->path());
      continue;
    }
    if (!is_session_id(name)) {
      log_("uploads/ holds " + entry->path().string() + ", which is not an upload session");
      continue;
    }
    const fs::path data_path = entry->path() / "data";
    FileDescriptor data(::open(data_path.c_str(), O_RDONLY | O_CLOEXEC));
    // A session a crash left without its data is judged by its directory's age.
    const auto modified = fs::last_write_time(data.get() < 0 ? entry->path() : data_path, time_ec);
    if (time_ec || modified >= cutoff) continue;
    // A session a request holds is in use, however old its last byte.
    if (data.get() >= 0 && ::flock(data.get(), LOCK_EX | LOCK_NB) != 0) continue;
    if (auto gone = remove_dir(entry->path()); !gone) return gone.error();
    ++removed;
  }
  if (ec) {
    return disk_error(log_, SysError{ec.value(), "list " + root_.string() + ": " + ec.message()},
                      "list upload sessions");
  }
  for (const fs::path& leftover : stale) fs::remove_all(leftover, ec);
  return removed;
}

}  // namespace wreg::store
