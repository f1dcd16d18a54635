#include "server/store/secret_file.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/file_descriptor.h"
#include "common/text.h"

namespace wreg::store {
namespace {

std::string named(std::string_view what, const std::filesystem::path& path) {
  return std::string(what) + " " + wreg::quoted(path.string());
}

}  // namespace

Result<std::optional<std::string>> read_secret_file(const std::filesystem::path& path,
                                                    std::string_view what, std::size_t max_bytes) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
  if (fd.get() < 0) {
    if (errno == ENOENT) return std::optional<std::string>();
    return fail(ErrorCode::kIo, "cannot open " + named(what, path) + ": " + std::strerror(errno) +
                                    "; it must be a regular file, not a symbolic link");
  }
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) {
    return fail(ErrorCode::kIo, "cannot read " + named(what, path) + ": " + std::strerror(errno));
  }
  if (!S_ISREG(info.st_mode) || static_cast<std::uint64_t>(info.st_size) > max_bytes) {
    return fail(ErrorCode::kInvalidArgument, named(what, path) +
                                                 " is not a regular file of at most " +
                                                 std::to_string(max_bytes) + " bytes");
  }
  if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return fail(ErrorCode::kInvalidArgument, named(what, path) +
                                                 " may be read by others; run `chmod 600 " +
                                                 wreg::quoted(path.string()) + "`");
  }
  std::string bytes(static_cast<std::size_t>(info.st_size), '\0');
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t got = ::read(fd.get(), bytes.data() + done, bytes.size() - done);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      OPENSSL_cleanse(bytes.data(), bytes.size());
      return fail(ErrorCode::kIo,
                  "cannot read " + named(what, path) + ": " +
                      (got < 0 ? std::strerror(errno) : "it is shorter than it was"));
    }
    done += static_cast<std::size_t>(got);
  }
  return std::optional<std::string>(std::move(bytes));
}

Result<bool> create_secret_file(const std::filesystem::path& path, std::string_view what,
                                std::string_view bytes) {
  std::filesystem::path temp = path;
  temp += "." + std::to_string(::getpid()) + ".tmp";
  auto failed = [&](std::string_view step) {
    const std::string reason = std::strerror(errno);
    ::unlink(temp.c_str());
    return fail(ErrorCode::kIo,
                "cannot " + std::string(step) + " " + named(what, path) + ": " + reason);
  };
  {
    FileDescriptor fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (fd.get() < 0) return failed("write");
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t wrote = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
      if (wrote < 0 && errno == EINTR) continue;
      if (wrote <= 0) return failed("write");
      done += static_cast<std::size_t>(wrote);
    }
    if (::fsync(fd.get()) != 0) return failed("write");
  }
  bool made = true;
  if (::link(temp.c_str(), path.c_str()) != 0) {
    if (errno != EEXIST) return failed("store");
    made = false;
  }
  ::unlink(temp.c_str());
  FileDescriptor dir(::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0 || ::fsync(dir.get()) != 0) return failed("store");
  return made;
}

}  // namespace wreg::store
