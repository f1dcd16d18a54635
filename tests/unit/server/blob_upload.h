// Storing and reading whole blobs in tests, through the paths the server uses: an upload is
// BlobStore::begin(), BlobWriter::write() and commit(), as a publish does; a blob is read from
// the file locate() names, as a blob GET sends it.
#pragma once

#include <cstdint>
#include <fstream>
#include <iterator>
#include <span>
#include <string>
#include <string_view>

#include "server/store/blob_store.h"

namespace wreg::testing {

// What commit() returns, or the first error of begin(), write() or commit().
inline Result<store::BlobInfo> upload(store::BlobStore& blobs, std::string_view bytes,
                                      std::uint64_t limit) {
  auto writer = blobs.begin(limit);
  if (!writer) return std::move(writer).error();
  const std::span<const std::uint8_t> chunk(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                            bytes.size());
  if (auto written = (*writer)->write(chunk); !written) return std::move(written).error();
  return (*writer)->commit();
}

// The stored bytes of `digest`; locate()'s error when it is not stored.
inline Result<std::string> read_blob(store::BlobStore& blobs, const Digest& digest) {
  auto file = blobs.locate(digest);
  if (!file) return std::move(file).error();
  std::ifstream in(file->path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace wreg::testing
