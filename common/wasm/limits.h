// The most wreg reads of one binary. Past any of these, the reader refuses the binary
// (kInvalidArgument, one line naming the limit), so that what one upload costs the server, and
// every client that later reads its release, is bounded by these and not by the upload's size:
// a 10 MB component of a million imports once took seconds of CPU and hundreds of MB to accept,
// and as much again for every reader of its release document.
//
// Real binaries come nowhere near. The largest of the shared fixtures (a 12 MB componentize-js
// component, a wasi:http proxy, the WASI 0.2 packages) have at most 18 imports and 6 exports per
// component, 48 types in one component, 468 imports and exports declared inside types, 5
// dependencies, 10 interfaces and no metadata text over 100 bytes; each limit leaves a margin of
// fifty times or more. The README ("Limits") lists them; changing one is a compatibility change
// for publishers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace wreg::wasm {

// Imports and exports of one component (top-level or nested), over all its sections.
inline constexpr std::size_t kMaxImports = 1'000;
inline constexpr std::size_t kMaxExports = 1'000;
// Entries of the type index spaces (types defined, imported, aliased or exported), all components
// of the binary together.
inline constexpr std::size_t kMaxTypes = 100'000;
// Imports and exports declared inside component and instance types, the whole binary together.
inline constexpr std::size_t kMaxTypeDeclarations = 50'000;
// The foreign packages a WIT package's types refer to, and the worlds and interfaces it defines.
inline constexpr std::size_t kMaxDependencies = 100;
inline constexpr std::size_t kMaxPackageItems = 1'000;
// One metadata text (each wasm-metadata field, the component's name), in bytes; and the values of
// the producers section, all fields together.
inline constexpr std::size_t kMaxMetadataText = 16 * 1024;
inline constexpr std::size_t kMaxProducerValues = 1'000;
// A function's signature text (`func(msg: string) -> u32`), which the release document repeats
// for every import and export of that function type: a longer one is left out, as a signature
// with a non-primitive type is, rather than refused.
inline constexpr std::size_t kMaxSignatureText = 1'024;

// "<what> is past wreg's limit of <limit> (README.md, Limits)": the message of every refusal.
std::string past_limit(std::string_view what, std::size_t limit);

// What one read has taken so far of the limits that hold for the whole binary. One per read.
struct ReadBudget {
  std::size_t types = 0;
  std::size_t type_declarations = 0;
};

}  // namespace wreg::wasm
