// Whole-file reads and crash-safe writes for the client's files (config, cache, wreg.toml,
// wreg.lock, wit/deps/).
//
// A write goes to a temp file beside the target, is flushed to disk (unless the caller can do
// without), then renamed over the target, so a reader (or a `wreg` killed half-way) sees the old
// bytes or the new ones, never a mix. Thread-safe: concurrent writes to different paths never share
// a temp file.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace wreg::client {

// The bytes of `path`. kNotFound when it does not exist; kIo for any other failure, naming the
// path and the system's reason.
Result<std::string> read_file(const std::filesystem::path& path);

// Whether a write waits for its bytes to reach the disk before the rename.
enum class Durability {
  kFsync,    // the new bytes also survive a power loss
  kNoFsync,  // a killed process still leaves the old file or the new one; for files that are
             // checked before use and can be rebuilt (the cache, wit/deps/)
};

// Replaces `path` with `bytes` via temp file + rename, creating parent directories, fsyncing the
// temp file first as `durability` says. The file gets `mode` (before the umask). kIo names the
// path; the temp file is removed.
Result<void> write_file_atomically(const std::filesystem::path& path, std::string_view bytes,
                                   mode_t mode = 0644, Durability durability = Durability::kFsync);

// Replaces several files as write_file_atomically(path, bytes, mode, kFsync) would, one after
// another in the order given, except that their temp files are flushed to disk at the same time
// (one thread per file past the first): the renames, which are what a reader sees, keep their
// order, and a run waits for one fsync instead of several. When a file cannot be written, the
// files before it have been replaced and none after it; the temp files are removed.
struct FileWrite {
  std::filesystem::path path;
  std::string_view bytes;
};
Result<void> write_files_atomically(const std::vector<FileWrite>& files, mode_t mode = 0644);

// Writes `bytes` to a path the user named (`wreg get -o FILE`) by the rule of
// common/output_path.h: a new path or a regular file (through a link: its target) is replaced as
// write_file_atomically(path, bytes) does; `-` (standard output), a device, a FIFO or a socket is
// written straight through and stays what it is. kInvalidArgument for a folder or a link to
// nothing; kIo naming the path.
Result<void> write_output_file(const std::filesystem::path& named, std::string_view bytes);

// Removes `path`; a missing file is not an error. kIo otherwise.
Result<void> remove_file(const std::filesystem::path& path);

}  // namespace wreg::client
