// Digest: a SHA-256 content hash, written `sha256:<64 lowercase hex>` (DESIGN.md), over the
// exact bytes published. Sha256 computes one in chunks, so that a body can be hashed while it
// streams to disk or from the network without being held in memory.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"

namespace wreg {

class Digest {
 public:
  static constexpr std::size_t kSize = 32;
  static constexpr std::string_view kPrefix = "sha256:";

  Digest() = default;
  explicit Digest(const std::array<std::uint8_t, kSize>& bytes) : bytes_(bytes) {}

  // Parses `sha256:<64 lowercase hex>`. Uppercase hex and other algorithms are refused, so that
  // one digest has one spelling (it is a file name and a database key).
  static Result<Digest> parse(std::string_view text);
  // The digest of `bytes`, all in memory.
  static Digest of(std::span<const std::uint8_t> bytes);
  static Digest of(std::string_view bytes);

  std::string hex() const;  // 64 lowercase hex digits
  std::string to_string() const { return std::string(kPrefix) + hex(); }
  const std::array<std::uint8_t, kSize>& bytes() const { return bytes_; }

  // Constant-time, so that comparing a presented digest or token hash leaks no timing.
  bool operator==(const Digest& other) const;
  // Byte order, for sorted containers. Not constant-time.
  bool operator<(const Digest& other) const { return bytes_ < other.bytes_; }

 private:
  std::array<std::uint8_t, kSize> bytes_{};
};

// Streaming SHA-256 through OpenSSL's EVP interface. Not thread-safe; one per stream.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::span<const std::uint8_t> chunk);
  void update(std::string_view chunk);
  // The digest of everything passed to update(); the hasher starts over afterwards.
  Digest finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Constant-time equality of two byte strings of the same length (false if lengths differ).
bool constant_time_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b);

}  // namespace wreg
