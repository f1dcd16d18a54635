#include "common/output_path.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/file_descriptor.h"

namespace wreg {
namespace {

namespace fs = std::filesystem;

// Paths appear whole and unquoted, as in the client's other file messages: the user typed them.
Error io_error(const std::string& what, const std::string& path, int err) {
  return fail(ErrorCode::kIo, "cannot " + what + " " + path + ": " + std::strerror(err));
}

bool is_stream(mode_t mode) { return S_ISCHR(mode) || S_ISBLK(mode) || S_ISFIFO(mode); }

// The kind of what stat(2) (which follows links) found at `path`. A socket is refused: writing
// one means connecting to whatever listens there, which is not what an output path asks for.
Result<OutputKind> kind_of(mode_t mode, const fs::path& path) {
  if (S_ISREG(mode)) return OutputKind::kRegularFile;
  if (S_ISDIR(mode)) return OutputKind::kDirectory;
  if (is_stream(mode)) return OutputKind::kStream;
  return fail(ErrorCode::kInvalidArgument,
              path.string() + " is a socket; name a file, a device, a FIFO or - (standard output)");
}

Result<void> write_all(int fd, std::string_view bytes, const std::string& path) {
  std::size_t written = 0;
  while (written < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("write", path, errno);
    }
    written += static_cast<std::size_t>(n);
  }
  return {};
}

// Opens a device or FIFO as it is: no O_CREAT (it exists), no O_TRUNC (a device has nothing to
// truncate, and a path swapped for a regular file meanwhile must not be cut short).
Result<FileDescriptor> open_stream(const fs::path& path) {
  struct stat status {};
  FileDescriptor fd;
  do {
    fd = FileDescriptor(::open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC));
  } while (fd.get() < 0 && errno == EINTR);
  if (fd.get() < 0) return io_error("write", path.string(), errno);
  if (::fstat(fd.get(), &status) != 0) return io_error("write", path.string(), errno);
  if (!is_stream(status.st_mode)) {
    return fail(ErrorCode::kIo, "cannot write " + path.string() +
                                    ": it was replaced while wreg was writing; try again");
  }
  return fd;
}

}  // namespace

Result<OutputTarget> output_target(const fs::path& named) {
  if (named == "-") return OutputTarget{OutputKind::kStandardOutput, named};
  struct stat link_status {};
  if (::lstat(named.c_str(), &link_status) != 0) {
    if (errno == ENOENT) return OutputTarget{OutputKind::kNew, named};
    return io_error("examine", named.string(), errno);
  }
  if (!S_ISLNK(link_status.st_mode)) {
    auto kind = kind_of(link_status.st_mode, named);
    if (!kind) return std::move(kind).error();
    return OutputTarget{*kind, named};
  }

  struct stat status {};
  if (::stat(named.c_str(), &status) != 0) {
    const int err = errno;
    std::error_code ec;
    const fs::path points_to = fs::read_symlink(named, ec);
    if (err == ENOENT) {
      return fail(ErrorCode::kInvalidArgument,
                  named.string() + " is a symbolic link to " + points_to.string() +
                      ", which does not exist; create the target or remove the link");
    }
    if (err == ELOOP) {
      return fail(ErrorCode::kInvalidArgument,
                  named.string() + " is a loop of symbolic links; name a file, or fix the links");
    }
    return io_error("examine", named.string(), err);
  }
  auto checked_kind = kind_of(status.st_mode, named);
  if (!checked_kind) return std::move(checked_kind).error();
  const OutputKind kind = *checked_kind;
  // A stream is opened through the link; a file or folder is used at its real place, so that a
  // rename beside it lands next to the target, not next to the link.
  if (kind == OutputKind::kStream) return OutputTarget{kind, named};
  std::error_code ec;
  fs::path target = fs::canonical(named, ec);
  if (ec) return io_error("follow the symbolic link", named.string(), ec.value());
  return OutputTarget{kind, std::move(target)};
}

Result<void> write_output(const fs::path& named, std::string_view bytes,
                          const ReplaceFile& replace) {
  auto target = output_target(named);
  if (!target) return std::move(target).error();
  switch (target->kind) {
    case OutputKind::kNew:
    case OutputKind::kRegularFile:
      return replace(target->path, bytes);
    case OutputKind::kDirectory:
      return fail(ErrorCode::kInvalidArgument,
                  named.string() + " is a folder; name a file inside it");
    case OutputKind::kStandardOutput:
      std::fflush(stdout);  // whatever the caller printed first goes first
      return write_all(STDOUT_FILENO, bytes, "standard output");
    case OutputKind::kStream: {
      auto fd = open_stream(target->path);
      if (!fd) return std::move(fd).error();
      return write_all(fd->get(), bytes, target->path.string());
    }
  }
  return fail(ErrorCode::kInternal, "unknown output kind");
}

}  // namespace wreg
