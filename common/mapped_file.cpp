#include "common/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "common/file_descriptor.h"
#include "common/text.h"

namespace wreg {
namespace {

Error system_error(ErrorCode code, const std::string& what, const std::string& path, int error) {
  return fail(code, "cannot " + what + " " + quoted(path) + ": " + std::strerror(error));
}

}  // namespace

Result<MappedFile> MappedFile::open(const std::string& path) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    const int error = errno;
    return system_error(error == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo, "open", path,
                        error);
  }
  struct stat status {};
  if (::fstat(fd.get(), &status) != 0) {
    return system_error(ErrorCode::kIo, "read the size of", path, errno);
  }
  if (!S_ISREG(status.st_mode)) {
    return fail(ErrorCode::kInvalidArgument,
                "cannot read " + quoted(path) + ": not a regular file; give the path of a .wasm");
  }
  const auto size = static_cast<std::size_t>(status.st_size);
  if (size == 0) return MappedFile(nullptr, 0);
  void* data = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd.get(), 0);
  if (data == MAP_FAILED) return system_error(ErrorCode::kIo, "map", path, errno);
  // Parsers read front to back; tell the kernel so it reads ahead.
  ::madvise(data, size, MADV_SEQUENTIAL);
  return MappedFile(static_cast<const std::uint8_t*>(data), size);
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this != &other) {
    unmap();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

MappedFile::~MappedFile() { unmap(); }

void MappedFile::unmap() {
  if (data_ != nullptr) ::munmap(const_cast<std::uint8_t*>(data_), size_);
  data_ = nullptr;
  size_ = 0;
}

}  // namespace wreg
