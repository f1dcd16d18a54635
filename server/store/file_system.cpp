#include "server/store/file_system.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace wreg::store {
namespace {

SysError sys_error(int error, const char* call, const std::filesystem::path& path) {
  return SysError{error, std::string(call) + " " + path.string() + ": " + std::strerror(error)};
}

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }
  PosixWritableFile(const PosixWritableFile&) = delete;
  PosixWritableFile& operator=(const PosixWritableFile&) = delete;

  SysError append(std::span<const std::uint8_t> bytes) override {
    while (!bytes.empty()) {
      const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return sys_error(errno, "write", path_);
      }
      bytes = bytes.subspan(static_cast<std::size_t>(n));
      written_ += static_cast<std::uint64_t>(n);
    }
    // Starts writing back what has piled up, without waiting for it, so that the disk works while
    // the rest of an upload arrives and the final fsync finds little left to do (a 20 MiB
    // publish's fsync went from ~25 ms to a few). Only a hint: its errors are the fsync's to
    // report.
    if (written_ - kicked_ >= kWritebackStep) {
      ::sync_file_range(fd_, static_cast<off_t>(kicked_), static_cast<off_t>(written_ - kicked_),
                        SYNC_FILE_RANGE_WRITE);
      kicked_ = written_;
    }
    return {};
  }

  SysError sync() override {
    if (::fsync(fd_) != 0) return sys_error(errno, "fsync", path_);
    return {};
  }

  SysError close() override {
    const int fd = fd_;
    fd_ = -1;
    // POSIX leaves the descriptor closed even when close(2) fails, so it is never retried.
    if (fd >= 0 && ::close(fd) != 0) return sys_error(errno, "close", path_);
    return {};
  }

 private:
  static constexpr std::uint64_t kWritebackStep = 2u << 20;
  int fd_;
  std::filesystem::path path_;
  std::uint64_t written_ = 0;  // bytes appended
  std::uint64_t kicked_ = 0;   // of which writeback was started
};

class PosixFileSystem final : public FileSystem {
 public:
  SysError create_new(const std::filesystem::path& path,
                      std::unique_ptr<WritableFile>& file) override {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) return sys_error(errno, "open", path);
    file = std::make_unique<PosixWritableFile>(fd, path);
    return {};
  }

  SysError open_existing(const std::filesystem::path& path,
                         std::unique_ptr<WritableFile>& file) override {
    const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return sys_error(errno, "open", path);
    file = std::make_unique<PosixWritableFile>(fd, path);
    return {};
  }

  SysError rename(const std::filesystem::path& from, const std::filesystem::path& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) return sys_error(errno, "rename", from);
    return {};
  }

  SysError link(const std::filesystem::path& from, const std::filesystem::path& to) override {
    if (::link(from.c_str(), to.c_str()) != 0) return sys_error(errno, "link", to);
    return {};
  }

  SysError sync_dir(const std::filesystem::path& dir) override {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return sys_error(errno, "open", dir);
    SysError result;
    if (::fsync(fd) != 0) result = sys_error(errno, "fsync", dir);
    ::close(fd);
    return result;
  }

  SysError touch(const std::filesystem::path& path) override {
    if (::utimensat(AT_FDCWD, path.c_str(), nullptr, 0) != 0) {
      return sys_error(errno, "utimensat", path);
    }
    return {};
  }

  SysError remove(const std::filesystem::path& path) override {
    if (::unlink(path.c_str()) != 0) return sys_error(errno, "unlink", path);
    return {};
  }

  SysError create_dirs(const std::filesystem::path& dir) override {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return SysError{ec.value(), "mkdir " + dir.string() + ": " + ec.message()};
    return {};
  }
};

}  // namespace

FileSystem& FileSystem::real() {
  static PosixFileSystem* const instance = new PosixFileSystem();
  return *instance;
}

}  // namespace wreg::store
