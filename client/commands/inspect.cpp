#include "client/commands/inspect.h"

#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <utility>
#include <vector>

#include "common/mapped_file.h"
#include "common/text.h"
#include "common/wasm/reader.h"
#include "common/wit/decoder.h"
#include "common/wit/wit_text.h"

namespace wreg::client {
namespace {

std::string joined(const std::vector<std::string>& items) {
  if (items.empty()) return "(none)";
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ", ";
    out += escaped(item);
  }
  return out;
}

std::vector<std::string> package_strings(const std::vector<wasm::PackageId>& packages) {
  std::vector<std::string> out;
  out.reserve(packages.size());
  for (const wasm::PackageId& package : packages) out.push_back(package.to_string());
  return out;
}

// The wasm-metadata fields in the order wasm-tools prints them.
std::vector<std::pair<const char*, const std::optional<std::string>*>> metadata_fields(
    const wasm::Metadata& metadata) {
  return {{"authors", &metadata.authors},   {"description", &metadata.description},
          {"licenses", &metadata.licenses}, {"source", &metadata.source},
          {"homepage", &metadata.homepage}, {"revision", &metadata.revision},
          {"version", &metadata.version}};
}

void print_line(std::ostringstream& out, std::string_view key, std::string_view value) {
  // Values start in column 14, after the longest key (`dependencies:`).
  out << key << ':' << std::string(key.size() < 12 ? 13 - key.size() : 1, ' ') << value << '\n';
}

void print_externs(std::ostringstream& out, std::string_view key,
                   const std::vector<wasm::Extern>& externs) {
  if (externs.empty()) {
    print_line(out, key, "(none)");
    return;
  }
  out << key << ":\n";
  for (const wasm::Extern& item : externs) {
    out << "  " << wasm::to_string(item.kind) << ' ' << escaped(item.name);
    if (!item.type.empty()) out << ": " << escaped(item.type);
    out << '\n';
  }
}

}  // namespace

Result<Inspection> inspect_file(const std::string& file) {
  auto mapped = MappedFile::open(file);
  if (!mapped) return mapped.error();
  auto info = wasm::read_component(mapped->bytes());
  if (!info) return fail(info.error().code, file + ": " + info.error().message);
  return Inspection{file, mapped->size(), Digest::of(mapped->bytes()), std::move(*info)};
}

Result<Inspection> inspect_bytes(const std::string& file, std::span<const std::uint8_t> bytes) {
  auto info = wasm::read_component(bytes);
  if (!info) return fail(info.error().code, file + ": " + info.error().message);
  return Inspection{file, bytes.size(), Digest::of(bytes), std::move(*info)};
}

std::string render_world_counts(std::span<const std::uint8_t> bytes) {
  auto decoded = wit::decode(bytes);
  if (!decoded || !decoded->is_package || decoded->package >= decoded->resolve.packages.size()) {
    return {};
  }
  auto plural = [](std::size_t n, const char* word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
  };
  std::string out;
  const wit::Resolve& resolve = decoded->resolve;
  for (const auto& [name, id] : resolve.packages[decoded->package].worlds) {
    if (id >= resolve.worlds.size()) continue;
    const wit::World& world = resolve.worlds[id];
    out += "world " + escaped(name) + ": " + plural(world.imports.size(), "import") + ", " +
           plural(world.exports.size(), "export") + "\n";
  }
  return out;
}

std::string render_inspection_text(const Inspection& inspection) {
  const wasm::ComponentInfo& info = inspection.info;
  std::ostringstream out;
  print_line(out, "file", escaped(inspection.file));
  print_line(out, "kind", wasm::to_string(info.kind));
  print_line(out, "size", std::to_string(inspection.size) + " bytes");
  print_line(out, "digest", inspection.digest.to_string());
  switch (info.kind) {
    case wasm::BinaryKind::kWitPackage:
      print_line(out, "package", info.package ? info.package->to_string() : "(none)");
      print_line(out, "worlds", joined(info.worlds));
      print_line(out, "interfaces", joined(info.interfaces));
      print_line(out, "dependencies", joined(package_strings(info.dependencies)));
      break;
    case wasm::BinaryKind::kComponent:
      print_externs(out, "imports", info.imports);
      print_externs(out, "exports", info.exports);
      print_line(out, "packages", joined(package_strings(info.referenced_packages)));
      break;
    case wasm::BinaryKind::kCoreModule:
      print_line(out, "note", wasm::core_module_error().message);
      break;
  }
  if (info.component_name) print_line(out, "name", escaped(*info.component_name));
  if (info.has_package_docs) print_line(out, "package docs", "yes");
  for (const auto& [key, value] : metadata_fields(info.metadata)) {
    if (*value) print_line(out, key, escaped(**value));
  }
  if (!info.producers.empty()) {
    out << "producers:\n";
    for (const auto& [field, values] : info.producers) {
      for (const wasm::ProducerValue& value : values) {
        out << "  " << escaped(field) << ": " << escaped(value.name);
        if (!value.version.empty()) out << ' ' << escaped(value.version);
        out << '\n';
      }
    }
  }
  return out.str();
}

std::string render_inspection_json(const Inspection& inspection) {
  using Json = nlohmann::ordered_json;
  const wasm::ComponentInfo& info = inspection.info;
  auto externs = [](const std::vector<wasm::Extern>& items) {
    Json out = Json::array();
    for (const wasm::Extern& item : items) {
      out.push_back(Json{{"name", item.name},
                         {"kind", wasm::to_string(item.kind)},
                         {"type", item.type.empty() ? Json(nullptr) : Json(item.type)}});
    }
    return out;
  };
  Json producers = Json::object();
  for (const auto& [field, values] : info.producers) {
    Json list = Json::array();
    for (const wasm::ProducerValue& value : values) {
      list.push_back(Json{{"name", value.name}, {"version", value.version}});
    }
    producers[field] = std::move(list);
  }
  Json metadata = Json::object();
  for (const auto& [key, value] : metadata_fields(info.metadata)) {
    metadata[key] = *value ? Json(**value) : Json(nullptr);
  }
  Json out = {
      {"file", inspection.file},
      {"size", inspection.size},
      {"digest", inspection.digest.to_string()},
      {"kind", wasm::to_string(info.kind)},
      {"package", info.package ? Json(info.package->to_string()) : Json(nullptr)},
      {"worlds", info.worlds},
      {"interfaces", info.interfaces},
      {"dependencies", package_strings(info.dependencies)},
      {"imports", externs(info.imports)},
      {"exports", externs(info.exports)},
      {"packages", package_strings(info.referenced_packages)},
      {"producers", std::move(producers)},
      {"name", info.component_name ? Json(*info.component_name) : Json(nullptr)},
      {"package_docs", info.has_package_docs},
      {"metadata", std::move(metadata)},
  };
  // Names are valid UTF-8 (the reader checks); the file name may not be: replace, never throw.
  return out.dump(2, ' ', false, Json::error_handler_t::replace) + '\n';
}

Result<std::string> render_wit(const std::string& file) {
  auto mapped = MappedFile::open(file);
  if (!mapped) return mapped.error();
  auto text = wit::wit_text(mapped->bytes());
  if (!text) return fail(text.error().code, file + ": " + text.error().message);
  return escaped(wit::listing(*text), {.line_breaks = true});
}

void add_inspect_command(CLI::App& app, CommandAction& action) {
  auto options = std::make_shared<InspectOptions>();
  CLI::App* command = app.add_subcommand(
      "inspect", "Show what a .wasm is: kind, package, worlds, imports, exports, dependencies");
  command->add_option("FILE", options->file, "the .wasm file to read")->required();
  auto* json =
      command->add_flag("--json", options->json, "print one JSON object (shape in README.md)");
  command->add_flag("--wit", options->wit, "print what it means as WIT text")->excludes(json);
  command->callback([options, &action] {
    action = [options]() -> Result<void> {
      if (options->wit) {
        auto text = render_wit(options->file);
        if (!text) return text.error();
        std::cout << *text;
      } else {
        auto inspection = inspect_file(options->file);
        if (!inspection) return inspection.error();
        std::cout << (options->json ? render_inspection_json(*inspection)
                                    : render_inspection_text(*inspection));
      }
      std::cout.flush();
      if (!std::cout) return fail(ErrorCode::kIo, "cannot write to standard output");
      return {};
    };
  });
}

}  // namespace wreg::client
