// RFC 4648 section 4 base64, with padding: what signed notes, checkpoints and Basic credentials
// are written in.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace wreg {

std::string base64_encode(std::span<const std::uint8_t> bytes);
std::string base64_encode(std::string_view bytes);

// The bytes `text` encodes; nullopt unless it is canonical padded base64: a length that is a
// multiple of 4, only the 64 letters and '+' '/', '=' only as the last one or two characters,
// and the unused bits of the last letter zero. So one value has one spelling, and a signature
// line or a hash cannot be rewritten into another text that decodes the same.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace wreg
