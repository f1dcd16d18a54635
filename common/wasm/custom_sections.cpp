#include "common/wasm/custom_sections.h"

#include <optional>
#include <string>

#include "common/text.h"
#include "common/wasm/byte_reader.h"
#include "common/wasm/limits.h"

namespace wreg::wasm {
namespace {

// ProducersSection.md: vec(field), field = name vec(value), value = name version.
Result<void> read_producers(std::span<const std::uint8_t> payload, std::size_t offset,
                            ComponentInfo& info) {
  ErrorSlot slot;
  ByteReader in(payload, offset, slot);
  std::map<std::string, std::vector<ProducerValue>> fields;
  const std::uint32_t count = in.read_count("producers field count");
  std::size_t entries = count;
  for (std::uint32_t i = 0; i < count && in.ok(); ++i) {
    std::string field = in.read_name("producers field name");
    const std::uint32_t values = in.read_count("producers value count", 2);
    entries += values;
    if (entries > kMaxProducerValues) {
      return fail(ErrorCode::kInvalidArgument,
                  past_limit("the producers section's number of fields and values",
                             kMaxProducerValues));
    }
    std::vector<ProducerValue>& out = fields[field];
    for (std::uint32_t k = 0; k < values && in.ok(); ++k) {
      ProducerValue value;
      value.name = in.read_name("producer name");
      value.version = in.read_name("producer version");
      out.push_back(std::move(value));
    }
  }
  in.expect_end("the producers section");
  if (!in.ok()) return {};
  for (auto& [field, values] : fields) {
    auto& into = info.producers[field];
    if (into.size() + values.size() > kMaxProducerValues) {  // over several producers sections
      return fail(ErrorCode::kInvalidArgument,
                  past_limit("the producers sections' number of values", kMaxProducerValues));
    }
    into.insert(into.end(), values.begin(), values.end());
  }
  return {};
}

Result<void> check_text_size(std::string_view what, std::size_t size) {
  if (size <= kMaxMetadataText) return {};
  return fail(ErrorCode::kInvalidArgument,
              past_limit(std::string(what) + " (" + std::to_string(size) + " bytes)",
                         kMaxMetadataText));
}

// Binary.md "Name Section": subsections `id size bytes`; subsection 0 is the component's name.
Result<void> read_component_name(std::span<const std::uint8_t> payload, std::size_t offset,
                                 ComponentInfo& info) {
  ErrorSlot slot;
  ByteReader in(payload, offset, slot);
  while (in.ok() && !in.at_end()) {
    const std::uint8_t id = in.read_u8("a name subsection id");
    const std::uint32_t size = in.read_u32("name subsection size");
    ByteReader subsection = in.sub_reader(size, "name subsection");
    if (id != 0) continue;
    std::string name = subsection.read_name("component name");
    subsection.expect_end("the component name subsection");
    if (!in.ok()) return {};
    if (auto checked = check_text_size("the component name", name.size()); !checked) {
      return checked;
    }
    info.component_name = std::move(name);
    return {};
  }
  return {};
}

std::optional<std::string> utf8_text(std::span<const std::uint8_t> payload) {
  if (!is_valid_utf8(payload)) return std::nullopt;
  return std::string(payload.begin(), payload.end());
}

}  // namespace

Result<void> read_custom_section(std::string_view name, std::span<const std::uint8_t> payload,
                                 std::size_t offset, ComponentInfo& info) {
  if (name == "producers") return read_producers(payload, offset, info);
  if (name == "component-name") return read_component_name(payload, offset, info);
  if (name == "package-docs") {
    info.has_package_docs = true;
    return {};
  }
  std::optional<std::string>* field = nullptr;
  if (name == "authors") field = &info.metadata.authors;
  if (name == "description") field = &info.metadata.description;
  if (name == "licenses") field = &info.metadata.licenses;
  if (name == "source") field = &info.metadata.source;
  if (name == "homepage") field = &info.metadata.homepage;
  if (name == "revision") field = &info.metadata.revision;
  if (name == "version") field = &info.metadata.version;
  if (field == nullptr) return {};
  if (auto checked = check_text_size("the " + std::string(name) + " custom section",
                                     payload.size());
      !checked) {
    return checked;
  }
  if (auto text = utf8_text(payload)) *field = std::move(text);
  return {};
}

}  // namespace wreg::wasm
