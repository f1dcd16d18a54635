// libFuzzer target for WIT text both ways over generated WIT: text that parses and builds (the
// whole package, every feature on) is printed from its binary; that print parses and builds
// again (each printed file a package of its own), and prints the same: parse -> resolve ->
// encode -> decode -> print is a fixed point after one turn, so the printer writes WIT the parser
// reads and the model survives the binary.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/wit/build.h"
#include "common/wit/parser.h"
#include "common/wit/wit_text.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

// The printed files built again: each file one group, package.wit first.
wreg::Result<wreg::wit::WitText> rebuild(const wreg::wit::WitText& printed) {
  std::vector<std::unique_ptr<wreg::wit::ast::File>> files;
  std::vector<wreg::wit::SourceGroup> groups;
  for (const wreg::wit::WitFile& file : printed.files) {
    auto parsed = wreg::wit::parse_file(file.path, file.text);
    if (!parsed) return std::move(parsed).error();
    files.push_back(std::make_unique<wreg::wit::ast::File>(std::move(*parsed)));
    groups.push_back({files.back().get()});
  }
  auto built = wreg::wit::build(groups, {"", {{}, true}});
  if (!built) return std::move(built).error();
  return wreg::wit::wit_text(built->bytes);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto file =
      wreg::wit::parse_file("fuzz.wit", std::string(reinterpret_cast<const char*>(data), size));
  if (!file) return 0;
  auto built = wreg::wit::build({{&*file}}, {"", {{}, true}});
  if (!built) {
    WREG_FUZZ_CHECK(!built.error().message.empty());
    return 0;
  }
  auto printed = wreg::wit::wit_text(built->bytes);
  WREG_FUZZ_CHECK(printed.has_value());
  WREG_FUZZ_CHECK(printed->is_package);
  auto again = rebuild(*printed);
  WREG_FUZZ_CHECK(again.has_value());
  WREG_FUZZ_CHECK(again->files.front().text == printed->files.front().text);
  return 0;
}
