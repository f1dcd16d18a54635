// Writing to a path the user named (`wreg get -o FILE`, `wreg-server serve --port-file FILE`,
// `wreg-server backup --to DIR`): the one rule for what is already at that path.
//
// wreg writes its files to a temp file beside the target and renames it over the target, so a
// reader sees the old bytes or the new ones. That is right only for a regular file. A rename over
// a device replaces the device with a regular file for everyone (`-o /dev/null` as root broke
// every later `> /dev/null` on the machine), over a FIFO it cuts off the reader, and over a
// symbolic link it replaces the link. So, by what is at the path:
//
//   `-`                              standard output, written straight through
//   nothing, or a regular file       temp file + rename (the caller's, see write_output)
//   a character or block device,     opened O_WRONLY (no O_CREAT, no O_TRUNC) and written
//   a FIFO                           straight through; never renamed over, never truncated
//   a socket                         refused (writing one would mean connecting to whatever
//                                    listens there)
//   a symbolic link                  followed as cp(1) follows it: its target, by the same rule
//                                    (a regular file is replaced, the link stays a link); a
//                                    link to nothing, or a loop, is refused
//   a directory                      OutputKind::kDirectory: a byte output refuses it
//
// Thread-safe: no state. The classification and the write are separate system calls; a path
// swapped in between is caught where it matters (a stream that turned out to be a regular file
// is refused, not written over in place).
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace wreg {

enum class OutputKind {
  kStandardOutput,  // the path `-`
  kNew,             // nothing there yet (a link to nothing is refused, not kNew)
  kRegularFile,     // an existing regular file
  kStream,          // a character or block device, or a FIFO
  kDirectory,       // an existing directory
};

struct OutputTarget {
  OutputKind kind = OutputKind::kNew;
  // Where to write: the path as named, except that for a symbolic link to a regular file or a
  // directory it is the link's target, resolved (so that a rename replaces the target and keeps
  // the link).
  std::filesystem::path path;
};

// What is at `named`, by the table above. kInvalidArgument (naming the path and what to do) for
// a socket, a symbolic link to nothing or a loop of links; kIo when the path cannot be examined
// (e.g. a folder on the way is not readable).
Result<OutputTarget> output_target(const std::filesystem::path& named);

// How the caller replaces a regular file: a temp file beside `path`, renamed over it.
using ReplaceFile =
    std::function<Result<void>(const std::filesystem::path& path, std::string_view bytes)>;

// Writes `bytes` to the path the user named, by the rule above: `replace(target, bytes)` for a
// new path or a regular file (through a link: its target), straight through for `-` and
// streams. kInvalidArgument for a directory and what output_target() refuses; kIo naming the
// path and the system's reason when a write fails; `replace`'s own errors.
Result<void> write_output(const std::filesystem::path& named, std::string_view bytes,
                          const ReplaceFile& replace);

}  // namespace wreg
