// libFuzzer target for the WIT decoder and printer (common/wit/wit_text.h) and the encoder. On
// every input: a failure is one line; an answer lists package.wit first; and a WIT package that
// decodes, encoded again in the full package format, decodes and prints to the same text (what
// the encoder writes, the decoder reads back unchanged).
#include <cstddef>
#include <cstdint>
#include <span>

#include "common/wit/decoder.h"
#include "common/wit/encoder.h"
#include "common/wit/printer.h"
#include "common/wit/wit_text.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  auto text = wreg::wit::wit_text(bytes);
  if (!text) {
    WREG_FUZZ_CHECK(wreg::fuzz::is_one_line(text.error().message));
    return 0;
  }
  WREG_FUZZ_CHECK(!text->files.empty() && text->files.front().path == "package.wit");
  if (!text->is_package) return 0;
  auto decoded = wreg::wit::decode(bytes);
  WREG_FUZZ_CHECK(decoded.has_value());
  auto encoded = wreg::wit::encode_package(decoded->resolve, decoded->package);
  if (!encoded) {
    WREG_FUZZ_CHECK(wreg::fuzz::is_one_line(encoded.error().message));
    return 0;
  }
  auto again = wreg::wit::wit_text(*encoded);
  WREG_FUZZ_CHECK(again.has_value());
  WREG_FUZZ_CHECK(again->files.front().text == text->files.front().text);
  return 0;
}
