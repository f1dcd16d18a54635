#include "common/api/json_fields.h"

#include <algorithm>
#include <array>

#include "common/text.h"
#include "common/wasm/extern_name.h"

namespace wreg::api::json {

Error bad(const char* what, const std::string& why) {
  return fail(ErrorCode::kInvalidArgument,
              std::string("invalid ") + what + " from the registry: " + why);
}

Error Fields::bad(const std::string& why) const { return json::bad(what_, where() + " " + why); }

std::string Fields::where() const {
  if (parent_ == nullptr) return where_;
  std::string out = parent_->where();
  out += ' ';
  out += name_;
  if (!detail_.empty()) {
    out += ' ';
    out += quote_ ? wreg::quoted(detail_) : std::string(detail_);
  }
  return out;
}

const Json* Fields::find(const char* key) const {
  auto it = object_.find(key);
  if (it == object_.end() || it->is_null()) return nullptr;
  return &*it;
}

Result<std::string_view> Fields::text(const char* key) const {
  const Json* value = find(key);
  if (value == nullptr || !value->is_string()) {
    return bad(std::string("has no string field \"") + key + "\"");
  }
  return std::string_view(value->get_ref<const std::string&>());
}

Result<std::string> Fields::string(const char* key) const {
  auto view = text(key);
  if (!view) return std::move(view).error();
  return std::string(*view);
}

Result<std::optional<std::string>> Fields::optional_string(const char* key) const {
  const Json* value = find(key);
  if (value == nullptr) return std::optional<std::string>();
  if (!value->is_string()) return bad(std::string("has a non-string \"") + key + "\"");
  return std::optional<std::string>(value->get<std::string>());
}

Result<std::uint64_t> Fields::unsigned_number(const char* key) const {
  const Json* value = find(key);
  if (value == nullptr || !value->is_number_unsigned()) {
    return bad(std::string("has no unsigned \"") + key + "\"");
  }
  return value->get<std::uint64_t>();
}

Result<std::optional<std::uint64_t>> Fields::optional_unsigned_number(const char* key) const {
  const Json* value = find(key);
  if (value == nullptr) return std::optional<std::uint64_t>();
  if (!value->is_number_unsigned()) return bad(std::string("has a non-unsigned \"") + key + "\"");
  return std::optional<std::uint64_t>(value->get<std::uint64_t>());
}

Result<bool> Fields::boolean(const char* key) const {
  const Json* value = find(key);
  if (value == nullptr || !value->is_boolean()) {
    return bad(std::string("has no boolean \"") + key + "\"");
  }
  return value->get<bool>();
}

Result<bool> Fields::boolean(const char* key, bool fallback) const {
  const Json* value = find(key);
  if (value == nullptr) return fallback;
  if (!value->is_boolean()) return bad(std::string("has a non-boolean \"") + key + "\"");
  return value->get<bool>();
}

Result<ReleaseKind> Fields::release_kind(const char* key) const {
  auto text = this->text(key);
  if (!text) return std::move(text).error();
  if (*text == to_string(ReleaseKind::kWit)) return ReleaseKind::kWit;
  if (*text == to_string(ReleaseKind::kComponent)) return ReleaseKind::kComponent;
  return bad(std::string("has unknown ") + key + " " + wreg::quoted(*text));
}

Result<std::vector<const Json*>> Fields::array(const char* key) const {
  std::vector<const Json*> elements;
  const Json* value = find(key);
  if (value == nullptr) return elements;
  if (!value->is_array()) return bad(std::string("\"") + key + "\" is not a list");
  for (const auto& element : *value) elements.push_back(&element);
  return elements;
}

Result<std::vector<std::pair<std::string, const Json*>>> Fields::object(const char* key) const {
  std::vector<std::pair<std::string, const Json*>> members;
  const Json* value = find(key);
  if (value == nullptr) return members;
  if (!value->is_object()) return bad(std::string("\"") + key + "\" is not an object");
  for (const auto& [name, member] : value->items()) members.emplace_back(name, &member);
  return members;
}

Result<std::vector<std::string>> Fields::strings(
    const char* key, std::optional<std::string> (*check)(std::string_view)) const {
  auto elements = array(key);
  if (!elements) return std::move(elements).error();
  std::vector<std::string> out;
  for (const Json* element : *elements) {
    if (!element->is_string()) {
      return bad(std::string("\"") + key + "\" has an entry that is not a string");
    }
    std::string text = element->get<std::string>();
    if (check != nullptr) {
      if (auto why = check(text)) return bad(std::string("\"") + key + "\": " + *why);
    }
    out.push_back(std::move(text));
  }
  return out;
}

namespace {

std::optional<std::string> interface_name_problem(std::string_view text) {
  auto name = wasm::parse_interface_name(text, "");
  if (!name) return name.error().message;
  if (!*name) {
    return "has " + wreg::quoted(text) +
           ", which is not an interface name (ns:package/item[@version])";
  }
  return std::nullopt;
}

}  // namespace

Result<std::vector<std::string>> Fields::interface_names(const char* key) const {
  return strings(key, interface_name_problem);
}

Result<Json> parse_object(std::string_view text, const char* what) {
  Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return bad(what, "not valid JSON");
  if (!json.is_object()) return bad(what, "not a JSON object");
  return json;
}

namespace {

// RFC 3339 `date-time`: 2026-11-26T01:02:03Z, with optional fractional seconds and an offset in
// place of Z. Only the form is checked, which is what keeps other text out of `wreg info`.
bool is_date_time(std::string_view text) {
  auto digits = [&text](std::size_t at, std::size_t count) {
    if (text.size() < at + count) return false;
    for (std::size_t i = at; i < at + count; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
    }
    return true;
  };
  auto is = [&text](std::size_t at, std::string_view any_of) {
    return at < text.size() && any_of.find(text[at]) != std::string_view::npos;
  };
  if (!(digits(0, 4) && is(4, "-") && digits(5, 2) && is(7, "-") && digits(8, 2) && is(10, "Tt") &&
        digits(11, 2) && is(13, ":") && digits(14, 2) && is(16, ":") && digits(17, 2))) {
    return false;
  }
  std::size_t at = 19;
  if (is(at, ".")) {
    const std::size_t start = ++at;
    while (digits(at, 1)) ++at;
    if (at == start) return false;
  }
  if (is(at, "Zz")) return at + 1 == text.size();
  return is(at, "+-") && digits(at + 1, 2) && is(at + 3, ":") && digits(at + 4, 2) &&
         at + 6 == text.size();
}

Result<Dependency> read_dependency(const Json& json, const Fields& release) {
  if (!json.is_object()) return release.bad("has a dependency that is not an object");
  const Fields entry = release.child(json, "dependency");
  auto name = entry.package_name("name");
  if (!name) return std::move(name).error();
  const Fields named =
      release.child(json, "dependency", json.find("name")->get_ref<const std::string&>());
  auto text = named.string("requirement");
  if (!text) return std::move(text).error();
  auto requirement = VersionReq::parse(*text);
  if (!requirement) return named.bad("\"requirement\": " + requirement.error().message);
  return Dependency{std::move(*name), std::move(*requirement)};
}

}  // namespace

Result<ReleaseSummary> read_summary(const Fields& fields) {
  ReleaseSummary summary;
  auto version = fields.version("version");
  if (!version) return std::move(version).error();
  summary.version = std::move(*version);
  const Fields release = fields.renamed("version " + summary.version.to_string());
  auto digest = release.digest("digest");
  if (!digest) return std::move(digest).error();
  summary.digest = *digest;
  auto size = release.unsigned_number("size");
  if (!size) return std::move(size).error();
  summary.size = *size;
  auto kind = release.release_kind("kind");
  if (!kind) return std::move(kind).error();
  summary.kind = *kind;
  auto yanked = release.boolean("yanked", false);
  if (!yanked) return std::move(yanked).error();
  summary.yanked = *yanked;
  auto published = release.optional_string("published");
  if (!published) return std::move(published).error();
  summary.published = published->value_or("");
  if (!summary.published.empty() && !is_date_time(summary.published)) {
    return release.bad("\"published\" is not an RFC 3339 time: " + wreg::quoted(summary.published));
  }
  auto dependencies = release.array("dependencies");
  if (!dependencies) return std::move(dependencies).error();
  for (const Json* entry : *dependencies) {
    auto dependency = read_dependency(*entry, release);
    if (!dependency) return std::move(dependency).error();
    summary.dependencies.push_back(std::move(*dependency));
  }
  return summary;
}

void add_summary(const ReleaseSummary& summary, Members& members) {
  members
      .add("dependencies",
           [&summary](Writer& out) {
             out.begin_array();
             for (const auto& dependency : summary.dependencies) {
               out.begin_object()
                   .key("name")
                   .string(dependency.name.to_string())
                   .key("requirement")
                   .string(dependency.requirement.to_string())
                   .end_object();
             }
             out.end_array();
           })
      .add("digest", [&summary](Writer& out) { out.string(summary.digest.to_string()); })
      .add("kind", [&summary](Writer& out) { out.string(to_string(summary.kind)); })
      .add("published", [&summary](Writer& out) { out.string(summary.published); })
      .add("size", [&summary](Writer& out) { out.number(summary.size); })
      .add("version", [&summary](Writer& out) { out.string(summary.version.to_string()); })
      .add("yanked", [&summary](Writer& out) { out.boolean(summary.yanked); });
}

void Writer::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_) out_ += ',';
  first_ = false;
}

Writer& Writer::begin_object() {
  before_value();
  out_ += '{';
  first_ = true;
  return *this;
}

Writer& Writer::end_object() {
  out_ += '}';
  first_ = false;
  return *this;
}

Writer& Writer::begin_array() {
  before_value();
  out_ += '[';
  first_ = true;
  return *this;
}

Writer& Writer::end_array() {
  out_ += ']';
  first_ = false;
  return *this;
}

Writer& Writer::key(std::string_view name) {
  before_value();
  quoted(name);
  out_ += ':';
  after_key_ = true;
  return *this;
}

Writer& Writer::string(std::string_view text) {
  before_value();
  quoted(text);
  return *this;
}

Writer& Writer::number(std::uint64_t value) {
  before_value();
  out_ += std::to_string(value);
  return *this;
}

Writer& Writer::boolean(bool value) {
  before_value();
  out_ += value ? "true" : "false";
  return *this;
}

Writer& Writer::null() {
  before_value();
  out_ += "null";
  return *this;
}

Writer& Writer::strings(const std::vector<std::string>& texts) {
  begin_array();
  for (const auto& text : texts) string(text);
  return end_array();
}

namespace {

// Per byte: 0 copied as it is by dump(), 1 a byte of a multi-byte UTF-8 sequence (copied when the
// whole text is valid UTF-8), 2 escaped by dump() (control characters, '"', '\\').
constexpr std::array<std::uint8_t, 256> kByteClass = [] {
  std::array<std::uint8_t, 256> table{};
  for (int byte = 0; byte < 256; ++byte) {
    table[byte] = byte < 0x20 || byte == '"' || byte == '\\' ? 2 : byte >= 0x80 ? 1 : 0;
  }
  return table;
}();

}  // namespace

void Writer::quoted(std::string_view text) {
  // Text that dump() copies as it is (valid UTF-8 without control characters, quotes or
  // backslashes: nearly every name and description) is copied here too; the rest goes through
  // nlohmann's own escaping, so that the bytes are dump()'s in every case.
  std::uint8_t seen = 0;
  for (char c : text) seen |= kByteClass[static_cast<unsigned char>(c)];
  if (seen == 0 || (seen == 1 && is_valid_utf8(text))) {
    out_ += '"';
    out_ += text;
    out_ += '"';
    return;
  }
  out_ += Json(std::string(text)).dump(-1, ' ', false, Json::error_handler_t::replace);
}

Members& Members::add(std::string_view key, Value value) {
  members_.emplace_back(key, std::move(value));
  return *this;
}

void Members::write(Writer& out) {
  std::sort(members_.begin(), members_.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  out.begin_object();
  for (auto& [key, value] : members_) {
    out.key(key);
    value(out);
  }
  out.end_object();
}

}  // namespace wreg::api::json
