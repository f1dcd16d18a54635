// libFuzzer target for what a binary publishes as (common/release.h), on anything the component
// reader accepts: release_of() refuses with one line or gives a release whose details (stored by
// the server as to_json() and read back on every GET of the release) read back as written, and
// whose interface names read back as themselves.
#include <cstddef>
#include <cstdint>

#include "common/api/release_document.h"
#include "common/release.h"
#include "common/wasm/reader.h"
#include "tests/fuzz/wire_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto info = wreg::wasm::read_component({data, size});
  if (!info) return 0;
  static const wreg::ClaimedIdentity kClaim{*wreg::PackageVersion::parse("fuzz:target@1.0.0"),
                                            "the URL"};
  for (const auto& claimed :
       {std::optional<wreg::ClaimedIdentity>(kClaim), std::optional<wreg::ClaimedIdentity>()}) {
    auto release = wreg::release_of(*info, claimed);
    if (!release) {
      wreg::fuzz::check_refusal(release);
      continue;
    }
    WREG_FUZZ_CHECK(release->details.binary_kind != wreg::wasm::BinaryKind::kCoreModule);
    wreg::fuzz::check_round_trip(release->details, wreg::api::parse_release_details);
    for (const auto* names : {&release->imports, &release->exports}) {
      for (const auto& name : *names) {
        auto again = wreg::wasm::parse_interface_name(name.to_string(), "");
        WREG_FUZZ_CHECK(again.has_value() && again->has_value() && **again == name);
      }
    }
    for (const auto& dependency : release->dependencies) {
      WREG_FUZZ_CHECK(dependency.name != release->id.name);
    }
  }
  return 0;
}
