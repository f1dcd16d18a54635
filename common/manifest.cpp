#include "common/manifest.h"

#include <toml++/toml.h>

#include <algorithm>
#include <sstream>

#include "common/text.h"
#include "common/toml_text.h"

namespace wreg {
namespace {

Error manifest_error(const std::string& why) {
  return fail(ErrorCode::kInvalidArgument, "wreg.toml: " + why);
}

Result<toml::table> parse_toml(std::string_view text, std::string_view file) {
  try {
    return toml::parse(text);
  } catch (const toml::parse_error& e) {
    std::ostringstream message;
    message << file << ":" << e.source().begin.line << ":" << e.source().begin.column << ": "
            << toml_error_text(e.description()) << " (fix the TOML syntax there)";
    return fail(ErrorCode::kInvalidArgument, message.str());
  }
}

Result<ManifestPackage> parse_package_table(const toml::table& table) {
  ManifestPackage package;
  if (auto node = table.get("name")) {
    auto text = node->value<std::string>();
    if (!text) return manifest_error("[package] name must be a string like \"ns:name\"");
    auto name = PackageName::parse(*text);
    if (!name) return manifest_error("[package] " + name.error().message);
    package.name = std::move(*name);
  }
  if (auto node = table.get("version")) {
    auto text = node->value<std::string>();
    if (!text) return manifest_error("[package] version must be a string like \"1.2.3\"");
    auto version = Version::parse(*text);
    if (!version) return manifest_error("[package] " + version.error().message);
    package.version = std::move(*version);
  }
  if (auto node = table.get("file")) {
    auto text = node->value<std::string>();
    if (!text) return manifest_error("[package] file must be a string path");
    package.file = std::move(*text);
  }
  return package;
}

// `[wit]`: so far only `deps`. Other keys are left alone, as in [package].
Result<DepsForm> parse_wit_table(const toml::table& table) {
  const toml::node* node = table.get("deps");
  if (node == nullptr) return DepsForm::kBinary;
  auto text = node->value<std::string>();
  if (text == "binary") return DepsForm::kBinary;
  if (text == "text") return DepsForm::kText;
  std::string value;
  if (text) {
    value = quoted(*text);
  } else if (node->is_table()) {
    value = "a table";
  } else if (node->is_array()) {
    value = "an array";
  } else {
    std::ostringstream written;  // `7`, `true`, `1979-05-27`: as TOML writes it
    node->visit([&written](const auto& item) { written << item; });
    value = escaped(written.str(), {.max_bytes = 80});
  }
  return manifest_error("[wit] deps must be \"binary\" or \"text\", not " + value);
}

// One line of the text, without its line break.
struct Line {
  std::size_t begin = 0;
  std::size_t end = 0;
};

std::vector<Line> split_lines(std::string_view text) {
  std::vector<Line> lines;
  std::size_t begin = 0;
  while (begin < text.size()) {
    auto newline = text.find('\n', begin);
    std::size_t end = newline == std::string_view::npos ? text.size() : newline;
    lines.push_back({begin, end});
    begin = end + 1;
  }
  return lines;
}

// The table a header line opens (`[dependencies]` -> "dependencies"), or nullopt when the line
// is not a header.
std::optional<std::string> table_header(std::string_view line) {
  line = trim(line);
  if (!line.starts_with('[')) return std::nullopt;
  bool array = line.starts_with("[[");
  auto close = line.find(array ? "]]" : "]");
  if (close == std::string_view::npos) return std::nullopt;
  auto name = trim(line.substr(array ? 2 : 1, close - (array ? 2 : 1)));
  return std::string(array ? "[" : "") + std::string(name);
}

// The key a `"key" = value` line sets, for quoted keys only (package names hold ':', which a
// bare TOML key cannot).
std::optional<std::string> quoted_key(std::string_view line, std::size_t& after_key) {
  auto start = line.find_first_not_of(" \t");
  if (start == std::string_view::npos) return std::nullopt;
  char quote = line[start];
  if (quote != '"' && quote != '\'') return std::nullopt;
  auto close = line.find(quote, start + 1);
  if (close == std::string_view::npos) return std::nullopt;
  after_key = close + 1;
  return std::string(line.substr(start + 1, close - start - 1));
}

// A trailing `# comment` after a basic-string value, to keep it when the value is rewritten.
std::string_view trailing_comment(std::string_view line, std::size_t after_key) {
  auto equals = line.find('=', after_key);
  if (equals == std::string_view::npos) return {};
  auto value = line.find_first_not_of(" \t", equals + 1);
  if (value == std::string_view::npos || line[value] != '"') return {};
  for (auto i = value + 1; i < line.size(); ++i) {
    if (line[i] == '\\') {
      ++i;
    } else if (line[i] == '"') {
      auto rest = line.substr(i + 1);
      auto hash = rest.find_first_not_of(" \t");
      if (hash != std::string_view::npos && rest[hash] == '#') return rest;
      return {};
    }
  }
  return {};
}

struct DependencyLines {
  std::optional<std::size_t> header;      // index of the [dependencies] line
  std::optional<std::size_t> last_entry;  // last key line in that table
  std::optional<std::size_t> match;       // the line setting the wanted name
};

DependencyLines find_dependency_lines(std::string_view text, const std::vector<Line>& lines,
                                      const std::string& wanted) {
  DependencyLines found;
  bool inside = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto line = text.substr(lines[i].begin, lines[i].end - lines[i].begin);
    if (auto header = table_header(line)) {
      inside = *header == "dependencies";
      if (inside && !found.header) found.header = i;
      continue;
    }
    if (!inside) continue;
    auto content = trim(line);
    if (content.empty() || content.starts_with('#')) continue;
    found.last_entry = i;
    std::size_t after_key = 0;
    if (auto key = quoted_key(line, after_key); key && *key == wanted) found.match = i;
  }
  return found;
}

Result<std::string> checked_edit(std::string edited, const PackageName& name,
                                 const std::optional<VersionReq>& expected) {
  // The input parsed, so an edit that fails to parse or to say what was meant means the
  // dependencies are written in a form this line editor does not understand.
  auto manifest = parse_manifest(edited);
  const auto* dependency = manifest ? manifest->find(name) : nullptr;
  bool as_expected = expected ? dependency && dependency->requirement == *expected : !dependency;
  if (!manifest || !as_expected) {
    return manifest_error("declares " + name.to_string() +
                          " in a form wreg cannot edit; write it as a line \"" + name.to_string() +
                          "\" = \"REQ\" under [dependencies]");
  }
  return edited;
}

}  // namespace

const ManifestDependency* Manifest::find(const PackageName& name) const {
  for (const auto& dependency : dependencies) {
    if (dependency.name == name) return &dependency;
  }
  return nullptr;
}

Result<Manifest> parse_manifest(std::string_view text) {
  auto table = parse_toml(text, "wreg.toml");
  if (!table) return std::move(table).error();
  Manifest manifest;
  if (auto node = table->get("package")) {
    auto* package_table = node->as_table();
    if (!package_table) return manifest_error("[package] must be a table");
    auto package = parse_package_table(*package_table);
    if (!package) return std::move(package).error();
    manifest.package = std::move(*package);
  }
  if (auto node = table->get("wit")) {
    auto* wit_table = node->as_table();
    if (!wit_table) return manifest_error("[wit] must be a table");
    auto form = parse_wit_table(*wit_table);
    if (!form) return std::move(form).error();
    manifest.wit_deps = *form;
  }
  if (auto node = table->get("dependencies")) {
    auto* dependencies = node->as_table();
    if (!dependencies) return manifest_error("[dependencies] must be a table");
    // toml++ iterates keys in sorted order; file order is recovered from source positions.
    std::vector<std::pair<toml::source_position, ManifestDependency>> ordered;
    for (const auto& [key, value] : *dependencies) {
      std::string key_text(key.str());
      auto name = PackageName::parse(key_text);
      if (!name) return manifest_error("[dependencies] " + name.error().message);
      auto requirement_text = value.value<std::string>();
      if (!requirement_text) {
        return manifest_error("dependency " + quoted(key_text) +
                              " must be a requirement string, e.g. \"^1.2\"");
      }
      auto requirement = VersionReq::parse(*requirement_text);
      if (!requirement) {
        return manifest_error("dependency " + quoted(key_text) + ": " +
                              requirement.error().message);
      }
      ordered.emplace_back(key.source().begin,
                           ManifestDependency{std::move(*name), std::move(*requirement)});
    }
    std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
      return std::pair(a.first.line, a.first.column) < std::pair(b.first.line, b.first.column);
    });
    for (auto& [position, dependency] : ordered) {
      manifest.dependencies.push_back(std::move(dependency));
    }
  }
  return manifest;
}

Result<std::string> set_manifest_dependency(std::string_view text, const PackageName& name,
                                            const VersionReq& requirement) {
  if (auto valid = parse_manifest(text); !valid) return std::move(valid).error();
  const std::string newline = text.find("\r\n") != std::string_view::npos ? "\r\n" : "\n";
  const std::string entry =
      toml_quote(name.to_string()) + " = " + toml_quote(requirement.to_string());
  auto lines = split_lines(text);
  auto found = find_dependency_lines(text, lines, name.to_string());
  std::string edited(text);

  if (found.match) {
    const auto& line = lines[*found.match];
    auto content = text.substr(line.begin, line.end - line.begin);
    bool carriage_return = content.ends_with('\r');
    if (carriage_return) content.remove_suffix(1);
    std::size_t after_key = 0;
    quoted_key(content, after_key);
    auto indent = content.substr(0, content.find_first_not_of(" \t"));
    auto comment = trailing_comment(content, after_key);
    std::string replacement = std::string(indent) + entry + std::string(comment);
    edited.replace(line.begin, content.size(), replacement);
  } else if (found.header) {
    std::size_t after = lines[found.last_entry.value_or(*found.header)].end;
    if (after >= edited.size()) {
      edited += newline + entry + newline;
    } else {
      edited.insert(after + 1, entry + newline);
    }
  } else {
    if (!edited.empty() && !edited.ends_with('\n')) edited += newline;
    if (!edited.empty()) edited += newline;
    edited += "[dependencies]" + newline + entry + newline;
  }
  return checked_edit(std::move(edited), name, requirement);
}

Result<std::string> remove_manifest_dependency(std::string_view text, const PackageName& name) {
  auto valid = parse_manifest(text);
  if (!valid) return std::move(valid).error();
  auto lines = split_lines(text);
  auto found = find_dependency_lines(text, lines, name.to_string());
  if (!found.match && valid->find(name)) {
    // Declared, but not as a line of [dependencies] (e.g. an inline table): not ours to edit.
    return checked_edit(std::string(text), name, std::nullopt);
  }
  if (!found.match) {
    return fail(ErrorCode::kNotFound,
                "wreg.toml has no dependency " + name.to_string() + " to remove");
  }
  const auto& line = lines[*found.match];
  std::string edited(text);
  edited.erase(line.begin, std::min(line.end + 1, edited.size()) - line.begin);
  return checked_edit(std::move(edited), name, std::nullopt);
}

}  // namespace wreg
