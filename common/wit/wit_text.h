// What a .wasm means, as WIT text: a WIT package or a component decoded the way wit-component's
// decoder reads it, and printed the way its printer writes it.
//
// Reference: WebAssembly/component-model design/mvp/WIT.md ("Package Format") and Binary.md;
// the oracle is what the real decoder prints for each shared fixture (`*.wit.txt`), which this
// output equals byte for byte.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"

namespace wreg::wit {

// One printed WIT file.
struct WitFile {
  // `package.wit` for the package the binary defines (for a component, `root:component` with
  // its world `root`); `deps/<ns>-<name>[-<version>]/package.wit` for each package it refers to,
  // holding only as much of it as the binary carries.
  std::string path;
  std::string text;
};

struct WitText {
  bool is_package = false;     // a WIT package; false for a component
  std::vector<WitFile> files;  // package.wit first, then the dependencies by path
};

// Decodes `bytes` (a whole .wasm file) and prints it. A component's files hold only its own
// world, as `wasm-tools component wit` prints it. Text inside (names, docs) is printed as the
// binary holds it: escape it before it reaches a terminal. kInvalidArgument, one line, for a
// binary that is not a valid component, is a core module, or cannot be shown as WIT.
Result<WitText> wit_text(std::span<const std::uint8_t> bytes);

// The text `wreg inspect --wit` shows: for a package, each file as `// ---- PATH` on a line of
// its own and then its text, the files separated by an empty line; for a component, its one
// file's text and an empty line, as `wasm-tools component wit` prints it.
std::string listing(const WitText& text);

}  // namespace wreg::wit
