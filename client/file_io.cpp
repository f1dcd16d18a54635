#include "client/file_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <optional>
#include <system_error>
#include <thread>

#include "common/output_path.h"

namespace wreg::client {
namespace {

Error io_error(const std::string& what, const std::filesystem::path& path, int err) {
  return fail(ErrorCode::kIo, "cannot " + what + " " + path.string() + ": " + std::strerror(err));
}

std::filesystem::path temp_path_for(const std::filesystem::path& path) {
  static std::atomic<unsigned> counter{0};
  return path.parent_path() / ("." + path.filename().string() + ".tmp-" +
                               std::to_string(::getpid()) + "-" + std::to_string(counter++));
}

}  // namespace

Result<std::string> read_file(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return fail(ErrorCode::kNotFound, path.string() + " does not exist");
    return io_error("read", path, errno);
  }
  std::string bytes;
  char buffer[64 * 1024];
  while (true) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      if (err == EISDIR) return fail(ErrorCode::kInvalidArgument, path.string() + " is a folder");
      return io_error("read", path, err);
    }
    if (n == 0) break;
    bytes.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return bytes;
}

namespace {

// A temp file beside `path` holding the new bytes, not yet renamed over it.
struct PreparedWrite {
  std::filesystem::path path;
  std::filesystem::path temp;
  int fd = -1;
};

// Creates the temp file for `path` and writes `bytes` to it; the file stays open for fsync.
Result<PreparedWrite> prepare_write(const std::filesystem::path& path, std::string_view bytes,
                                    mode_t mode) {
  std::error_code ec;
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) return io_error("create the folder of", path, ec.value());
  }
  PreparedWrite prepared{path, temp_path_for(path)};
  // The temp file is created with `mode` minus the umask; an existing target keeps no say.
  prepared.fd = ::open(prepared.temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (prepared.fd < 0) return io_error("write", path, errno);
  std::size_t written = 0;
  while (written < bytes.size()) {
    ssize_t n = ::write(prepared.fd, bytes.data() + written, bytes.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(prepared.fd);
      ::unlink(prepared.temp.c_str());
      return io_error("write", path, err);
    }
    written += static_cast<std::size_t>(n);
  }
  return prepared;
}

// Closes the temp file and renames it over the target, or removes it when `sync_error` (the
// errno of a failed fsync) or the close or the rename fails.
Result<void> commit_write(const PreparedWrite& prepared, int sync_error) {
  int err = sync_error;
  if (::close(prepared.fd) != 0 && err == 0) err = errno;
  if (err == 0 && ::rename(prepared.temp.c_str(), prepared.path.c_str()) != 0) err = errno;
  if (err != 0) {
    ::unlink(prepared.temp.c_str());
    return io_error("write", prepared.path, err);
  }
  return {};
}

// Closes and removes a temp file that will not be renamed.
void abandon_write(const PreparedWrite& prepared) {
  ::close(prepared.fd);
  ::unlink(prepared.temp.c_str());
}

int sync_error(int fd) { return ::fsync(fd) == 0 ? 0 : errno; }

}  // namespace

Result<void> write_file_atomically(const std::filesystem::path& path, std::string_view bytes,
                                   mode_t mode, Durability durability) {
  auto prepared = prepare_write(path, bytes, mode);
  if (!prepared) return std::move(prepared).error();
  return commit_write(*prepared, durability == Durability::kFsync ? sync_error(prepared->fd) : 0);
}

Result<void> write_files_atomically(const std::vector<FileWrite>& files, mode_t mode) {
  std::vector<PreparedWrite> prepared;
  std::optional<Error> failure;
  for (const auto& file : files) {
    auto made = prepare_write(file.path, file.bytes, mode);
    if (!made) {
      failure = std::move(made).error();
      break;
    }
    prepared.push_back(std::move(*made));
  }
  // Flushed at the same time: this thread takes the first file, a helper thread each other one.
  std::vector<int> errors(prepared.size(), 0);
  std::vector<std::thread> helpers;
  for (std::size_t i = 1; i < prepared.size(); ++i) {
    try {
      helpers.emplace_back([&, i] { errors[i] = sync_error(prepared[i].fd); });
    } catch (const std::system_error&) {  // no thread to be had: flushed here instead
      errors[i] = sync_error(prepared[i].fd);
    }
  }
  if (!prepared.empty()) errors[0] = sync_error(prepared[0].fd);
  for (auto& helper : helpers) helper.join();
  for (std::size_t i = 0; i < prepared.size(); ++i) {
    if (failure) {
      abandon_write(prepared[i]);
      continue;
    }
    auto committed = commit_write(prepared[i], errors[i]);
    if (!committed) failure = std::move(committed).error();
  }
  if (failure) return std::move(*failure);
  return {};
}

Result<void> write_output_file(const std::filesystem::path& named, std::string_view bytes) {
  return write_output(named, bytes, [](const std::filesystem::path& path, std::string_view data) {
    return write_file_atomically(path, data);
  });
}

Result<void> remove_file(const std::filesystem::path& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return io_error("remove", path, errno);
  return {};
}

}  // namespace wreg::client
