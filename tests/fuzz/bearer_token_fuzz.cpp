// libFuzzer target for the bearer tokens clients present (server/auth/bearer_tokens.h). The
// first byte picks what the rest is: a whole token text as a client sends it, or a claims text
// signed here with the fuzzing key, so the parser behind the signature is reached too.
// Properties: no crash; a refusal is kUnauthenticated and one line; accepted claims are issued
// again as exactly the text that was read (one spelling per token).
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/hex.h"
#include "server/auth/bearer_tokens.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::array<std::uint8_t, wreg::auth::SigningKey::kBytes> bytes{};
  bytes.fill(0x5a);
  const wreg::auth::SigningKey key(bytes);
  const auto input = wreg::fuzz::as_text(data + 1, size - 1);
  std::string token(input);
  if (data[0] % 2 == 1) {
    token = std::string(wreg::auth::kBearerPrefix) + wreg::hex_encode(input);
    token += "." + wreg::hex_encode(key.sign(token));
  }
  auto claims = wreg::auth::verify_bearer_token(token, key, 0);
  if (!claims) {
    WREG_FUZZ_CHECK(claims.error().code == wreg::ErrorCode::kUnauthenticated);
    WREG_FUZZ_CHECK(wreg::fuzz::is_one_line(claims.error().message));
    return 0;
  }
  WREG_FUZZ_CHECK(wreg::auth::issue_bearer_token(*claims, key) == token);
  return 0;
}
