#include "common/wit/wit_text.h"

#include <algorithm>

#include "common/wit/decoder.h"
#include "common/wit/printer.h"

namespace wreg::wit {

Result<WitText> wit_text(std::span<const std::uint8_t> bytes) {
  auto decoded = decode(bytes);
  if (!decoded) return std::move(decoded).error();
  WitText text;
  text.is_package = decoded->is_package;
  auto root = print_package(decoded->resolve, decoded->package);
  if (!root) return std::move(root).error();
  text.files.push_back(WitFile{"package.wit", std::move(*root)});
  if (!text.is_package) return text;  // a component: its world alone, as `component wit` shows
  for (std::uint32_t id = 0; id < decoded->resolve.packages.size(); ++id) {
    if (id == decoded->package) continue;
    const PackageName& name = decoded->resolve.packages[id].name;
    std::string folder = name.space + "-" + name.name;
    if (!name.version.empty()) folder += "-" + name.version;
    auto printed = print_package(decoded->resolve, id);
    if (!printed) return std::move(printed).error();
    text.files.push_back(WitFile{"deps/" + folder + "/package.wit", std::move(*printed)});
  }
  std::sort(text.files.begin() + 1, text.files.end(),
            [](const WitFile& a, const WitFile& b) { return a.path < b.path; });
  return text;
}

std::string listing(const WitText& text) {
  // `wasm-tools component wit` prints a component's file and then a line break of its own.
  if (!text.is_package) return text.files.empty() ? std::string() : text.files.front().text + "\n";
  std::string out;
  for (std::size_t i = 0; i < text.files.size(); ++i) {
    if (i > 0) out += '\n';
    out += "// ---- " + text.files[i].path + "\n" + text.files[i].text;
  }
  return out;
}

}  // namespace wreg::wit
