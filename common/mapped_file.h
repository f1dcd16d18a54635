// MappedFile: a whole file mapped read-only into memory, so that a parser can be handed a span
// of a large file (a 12 MB component) without copying it, and the kernel pages in only what
// the parser touches. Files are opened at the edges (the client's commands, the server's
// handlers); parsers only ever see the span.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "common/result.h"

namespace wreg {

class MappedFile {
 public:
  // Maps `path` for reading. kNotFound when it does not exist; kInvalidArgument when it is not
  // a regular file (a directory, a FIFO); kIo when it cannot be opened or mapped. Messages name
  // the path and the system's reason. An empty file gives an empty span.
  // The bytes must not change while mapped (a file truncated meanwhile is a SIGBUS, as for any
  // mapping): map files that are written once and then renamed into place, as wreg's are.
  static Result<MappedFile> open(const std::string& path);

  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  // Valid while this object lives. Safe to read from several threads.
  std::span<const std::uint8_t> bytes() const { return {data_, size_}; }
  std::size_t size() const { return size_; }

 private:
  MappedFile(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  void unmap();

  const std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace wreg
