// FileSystem: the one seam between the blob store and the disk (after LevelDB's Env).
//
// FsBlobStore does every write, sync, rename and removal through this interface, so that a
// unit test can wrap the real file system and make, say, the third write fail with ENOSPC, then
// check that nothing half-written is visible. It is not a way to fake the disk: tests use real
// files in a temp dir. Reads and directory listings go straight to std::filesystem and POSIX.
//
// Errors carry the errno in `SysError::error` and a description with the path in
// `SysError::detail`; the blob store turns them into client-safe Errors and logs the detail.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"
#include "server/store/log_sink.h"

namespace wreg::store {

// What went wrong in one system call. `error` == 0 means success.
struct SysError {
  int error = 0;       // errno
  std::string detail;  // e.g. "write /data/tmp/upload-1a2b: No space left on device"
  explicit operator bool() const { return error != 0; }
};

// The SysError of a failed `call` (e.g. "open") on `path`, from its errno `error`.
SysError sys_error(int error, const char* call, const std::filesystem::path& path);

// write(2) of all of `bytes` to `fd` (the file at `path`, for the message), through short writes
// and EINTR.
SysError write_all(int fd, std::span<const std::uint8_t> bytes, const std::filesystem::path& path);

// `error`, met while trying to `action` (e.g. "store the upload"), as a client-safe kIo Error; its
// detail goes to `log` (log_sink.h's convention). A full disk and a file size limit say so and
// what to do; anything else points at the server log.
Error disk_error(const LogSink& log, const SysError& error, std::string_view action);

// A file open for appending. Not thread-safe. The destructor closes it without syncing.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual SysError append(std::span<const std::uint8_t> bytes) = 0;
  virtual SysError sync() = 0;  // fsync(2)
  virtual SysError close() = 0;
};

// Thread-safe: the real one holds no state.
class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // The process's real file system (POSIX calls). Lives forever.
  static FileSystem& real();

  // Creates a new file that must not exist yet (O_CREAT|O_EXCL, mode 0644).
  virtual SysError create_new(const std::filesystem::path& path,
                              std::unique_ptr<WritableFile>& file) = 0;
  // rename(2): atomic replacement within one file system.
  virtual SysError rename(const std::filesystem::path& from, const std::filesystem::path& to) = 0;
  // link(2): atomic creation that fails with EEXIST when `to` exists.
  virtual SysError link(const std::filesystem::path& from, const std::filesystem::path& to) = 0;
  // fsync(2) of a directory, so that a rename in it survives a crash.
  virtual SysError sync_dir(const std::filesystem::path& dir) = 0;
  // Sets a file's modification time to now (utimensat(2)).
  virtual SysError touch(const std::filesystem::path& path) = 0;
  // unlink(2). ENOENT is reported, callers decide whether it matters.
  virtual SysError remove(const std::filesystem::path& path) = 0;
  // mkdir -p, mode 0755.
  virtual SysError create_dirs(const std::filesystem::path& dir) = 0;
};

}  // namespace wreg::store
