// libFuzzer target for the OCI readers (common/oci/): a pushed manifest, a config blob, an OCI
// error body and digests, all from the network. The first byte picks the reader. Properties: no
// crash; a refusal is one line; an accepted manifest or config reads back to the same bytes
// from what the writer makes of it, and a manifest's Wasm-artifact check never crashes either.
#include <cstddef>
#include <cstdint>

#include "common/oci/artifact.h"
#include "common/oci/manifest.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

template <typename T>
void check_refusal(const wreg::Result<T>& result) {
  if (!wreg::fuzz::is_one_line(result.error().message)) {
    wreg::fuzz::property_failed("a refusal is one line", __FILE__, __LINE__);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto text = wreg::fuzz::as_text(data + 1, size - 1);
  switch (data[0] % 4) {
    case 0: {
      auto manifest = wreg::oci::read_manifest(text);
      if (!manifest) return check_refusal(manifest), 0;
      const std::string written = wreg::oci::write_manifest(*manifest);
      auto again = wreg::oci::read_manifest(written);
      if (!again || wreg::oci::write_manifest(*again) != written) {
        wreg::fuzz::property_failed("a written manifest reads back", __FILE__, __LINE__);
      }
      auto artifact = wreg::oci::wasm_artifact_of(*manifest, "");
      if (!artifact) check_refusal(artifact);
      break;
    }
    case 1: {
      auto config = wreg::oci::read_wasm_config(text);
      if (!config) return check_refusal(config), 0;
      const std::string written = wreg::oci::write_wasm_config(*config);
      auto again = wreg::oci::read_wasm_config(written);
      if (!again || wreg::oci::write_wasm_config(*again) != written) {
        wreg::fuzz::property_failed("a written config reads back", __FILE__, __LINE__);
      }
      break;
    }
    case 2: {
      auto body = wreg::oci::read_error(text);
      if (!body) check_refusal(body);
      break;
    }
    case 3: {
      auto digest = wreg::oci::parse_digest(text);
      if (!digest) {
        check_refusal(digest);
      } else if (digest->to_string() != text || !wreg::oci::looks_like_digest(text)) {
        wreg::fuzz::property_failed("an accepted digest is spelled one way", __FILE__, __LINE__);
      }
      (void)wreg::oci::is_valid_tag(text);
      break;
    }
  }
  return 0;
}
