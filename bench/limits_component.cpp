// Writes a component at wreg's limits (common/wasm/limits.h) for bench/release_memory.sh: the
// largest release one upload may make, as far as the limits bound it.
//
//   limits_component NAME_BYTES [OUT]     (stdout when OUT is absent)
//
// What it holds, each at its limit:
//   - kMaxImports imports, each a function named by an interface name of about NAME_BYTES
//     (`bench:p<i>/aaa...@1.0.0`), so that each name is in the release document twice (the
//     import and the interface search finds it by), and each typed by one function type whose
//     signature text is as long as the reader keeps (kMaxSignatureText), so that it is repeated
//     once per import and export;
//   - kMaxExports exports, each one of the imported functions with that type ascribed;
//   - one instance type declaring kMaxTypeDeclarations functions;
//   - kMaxTypes types in all (trivial `func()` types fill up what the above leave);
//   - a description of kMaxMetadataText bytes.
// The sizes are the limits' own constants, so it follows them when they change.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "common/wasm/limits.h"
#include "tests/unit/wasm/wasm_builder.h"

namespace {

using namespace wreg::wasm;

using wreg::wasm::testing::Bytes;

constexpr std::uint8_t kType = 7, kImport = 10, kExport = 11;
constexpr std::uint8_t kString = 0x73;

// `func(p0: string, p1: string, ...)` with labels long enough for the signature text to be
// kMaxSignatureText bytes or just under.
Bytes long_signature_type() {
  const std::string label(60, 'p');
  const std::size_t per_param = label.size() + 4 + std::string_view(": string, ").size();
  const std::size_t params = (kMaxSignatureText - std::string_view("func()").size()) / per_param;
  Bytes type;
  type.u8(0x40).u32(params);
  for (std::size_t i = 0; i < params; ++i) {
    char suffix[8];
    std::snprintf(suffix, sizeof suffix, "%04zu", i);
    type.name(label + suffix).u8(kString);
  }
  return type.u8(0x01).u8(0x00);  // no results
}

// An instance type declaring `count` functions `f0`, `f1`, ... of its own type 0, `func()`.
Bytes instance_type(std::size_t count) {
  Bytes type;
  type.u8(0x42).u32(1 + count);
  type.u8(0x01).u8(0x40).u8(0x00).u8(0x01).u8(0x00);  // type 0: func()
  for (std::size_t i = 0; i < count; ++i) {
    type.u8(0x04).u8(0x00).name("f" + std::to_string(i)).u8(0x01).u8(0x00);
  }
  return type;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: limits_component NAME_BYTES [OUT]\n");
    return 2;
  }
  const std::size_t name_bytes = std::strtoul(argv[1], nullptr, 10);

  // Types 0 (the long signature) and 1 (the instance type), then `func()` up to kMaxTypes (the
  // imports and exports are functions, which take no type index).
  const std::size_t fillers = kMaxTypes - 2;
  Bytes types;
  types.u32(2 + fillers).append(long_signature_type()).append(instance_type(kMaxTypeDeclarations));
  for (std::size_t i = 0; i < fillers; ++i) types.u8(0x40).u8(0x00).u8(0x01).u8(0x00);

  Bytes imports;
  imports.u32(kMaxImports);
  for (std::size_t i = 0; i < kMaxImports; ++i) {
    std::string name = "bench:p" + std::to_string(i) + "/i";
    if (name.size() + 8 < name_bytes) name += std::string(name_bytes - name.size() - 8, 'a');
    name += "@1.0.0";
    imports.append(testing::extern_name(name)).u8(0x01).u32(0);  // func of type 0
  }

  Bytes exports;
  exports.u32(kMaxExports);
  for (std::size_t i = 0; i < kMaxExports; ++i) {
    // Export func i (the i-th imported function) as `e<i>`, ascribed type 0.
    exports.u8(0x00).name("e" + std::to_string(i)).u8(0x01).u32(i).u8(0x01).u8(0x01).u32(0);
  }

  Bytes description;
  for (std::size_t i = 0; i < kMaxMetadataText; ++i) description.u8('d');

  Bytes out = testing::component_preamble();
  out.section(kType, types).section(kImport, imports).section(kExport, exports);
  out.custom("description", description);

  std::FILE* file = argc > 2 ? std::fopen(argv[2], "wb") : stdout;
  if (file == nullptr) {
    std::perror(argv[2]);
    return 1;
  }
  const std::vector<std::uint8_t>& bytes = out.data();
  if (std::fwrite(bytes.data(), 1, bytes.size(), file) != bytes.size() || std::fflush(file) != 0) {
    std::perror("write");
    return 1;
  }
  if (file != stdout) std::fclose(file);
  return 0;
}
