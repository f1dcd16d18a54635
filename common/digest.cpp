#include "common/digest.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <stdexcept>

#include "common/hex.h"
#include "common/text.h"

namespace wreg {

struct Sha256::State {
  EVP_MD_CTX* context = nullptr;
};

Sha256::Sha256() : state_(std::make_unique<State>()) {
  state_->context = EVP_MD_CTX_new();
  // Allocation failure or a missing SHA-256 means the process cannot do its job at all; there is
  // no input that causes this, so it is not an expected failure.
  if (state_->context == nullptr ||
      EVP_DigestInit_ex(state_->context, EVP_sha256(), nullptr) != 1) {
    EVP_MD_CTX_free(state_->context);
    throw std::runtime_error("OpenSSL cannot initialise SHA-256");
  }
}

Sha256::~Sha256() {
  if (state_) EVP_MD_CTX_free(state_->context);
}

Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&& other) noexcept {
  if (this != &other) {
    if (state_) EVP_MD_CTX_free(state_->context);
    state_ = std::move(other.state_);
  }
  return *this;
}

void Sha256::update(std::span<const std::uint8_t> chunk) {
  if (!chunk.empty()) EVP_DigestUpdate(state_->context, chunk.data(), chunk.size());
}

void Sha256::update(std::string_view chunk) {
  update(std::span(reinterpret_cast<const std::uint8_t*>(chunk.data()), chunk.size()));
}

Digest Sha256::finish() {
  std::array<std::uint8_t, Digest::kSize> bytes{};
  unsigned int length = 0;
  EVP_DigestFinal_ex(state_->context, bytes.data(), &length);
  EVP_DigestInit_ex(state_->context, EVP_sha256(), nullptr);
  return Digest(bytes);
}

Result<Digest> Digest::parse(std::string_view text) {
  auto refuse = [&](const std::string& why) {
    return fail(ErrorCode::kInvalidArgument,
                "invalid digest " + quoted(text) + ": " + why +
                    " (expected sha256: followed by 64 lowercase hex digits)");
  };
  if (!text.starts_with(kPrefix)) return refuse("does not start with sha256:");
  auto hex = text.substr(kPrefix.size());
  if (hex.size() != 2 * kSize) {
    return refuse("has " + std::to_string(hex.size()) + " hex digits, not 64");
  }
  std::array<std::uint8_t, kSize> bytes{};
  for (std::size_t i = 0; i < kSize; ++i) {
    int high = hex_digit_value(hex[2 * i]);
    int low = hex_digit_value(hex[2 * i + 1]);
    if (high < 0 || low < 0) return refuse("holds a character that is not lowercase hex");
    bytes[i] = static_cast<std::uint8_t>(high << 4 | low);
  }
  return Digest(bytes);
}

Digest Digest::of(std::span<const std::uint8_t> bytes) {
  Sha256 hasher;
  hasher.update(bytes);
  return hasher.finish();
}

Digest Digest::of(std::string_view bytes) {
  Sha256 hasher;
  hasher.update(bytes);
  return hasher.finish();
}

std::string Digest::hex() const { return hex_encode(bytes_); }

bool Digest::operator==(const Digest& other) const {
  return constant_time_equal(bytes_, other.bytes_);
}

bool constant_time_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  if (a.size() != b.size()) return false;
  return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace wreg
