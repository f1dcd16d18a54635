#include "common/api/search_page.h"

#include "common/api/json_fields.h"

namespace wreg::api {
namespace {

using json::Fields;
using json::Json;

constexpr const char* kWhat = "package listing";

Result<PackageSummary> read_package(const Json& entry) {
  if (!entry.is_object()) return json::bad(kWhat, "a package entry is not an object");
  const Fields fields(entry, kWhat, "a package entry");
  auto name = fields.package_name("name");
  if (!name) return std::move(name).error();
  const Fields named = fields.renamed("package " + name->to_string());
  auto latest = named.version("latest");
  if (!latest) return std::move(latest).error();
  auto kind = named.release_kind("kind");
  if (!kind) return std::move(kind).error();
  auto description = named.optional_string("description");
  if (!description) return std::move(description).error();
  return PackageSummary{std::move(*name), std::move(*latest), *kind, description->value_or("")};
}

bool is_cursor_text(const std::string& cursor) {
  if (cursor.size() > SearchPage::kMaxCursorLength) return false;
  for (char c : cursor) {
    if (c <= ' ' || c > '~') return false;
  }
  return true;
}

}  // namespace

Result<SearchPage> parse_search_page(std::string_view text) {
  return json::read_document(
      text, kWhat, "the listing", [](const Fields& fields) -> Result<SearchPage> {
        const Json* packages = fields.find("packages");
        if (packages == nullptr || !packages->is_array()) {
          return fields.bad("has no \"packages\" list");
        }
        SearchPage page;
        for (const auto& entry : *packages) {
          auto package = read_package(entry);
          if (!package) return std::move(package).error();
          page.packages.push_back(std::move(*package));
        }
        auto cursor = fields.optional_string("next_cursor");
        if (!cursor) return std::move(cursor).error();
        if (*cursor && !(*cursor)->empty()) {
          if (!is_cursor_text(**cursor)) {
            return fields.bad("\"next_cursor\" is not printable ASCII of at most " +
                              std::to_string(SearchPage::kMaxCursorLength) + " characters");
          }
          page.next_cursor = std::move(*cursor);
        }
        return page;
      });
}

std::string to_json(const SearchPage& page) {
  json::Writer out;
  json::Members()
      .add("packages",
           [&page](json::Writer& w) {
             w.begin_array();
             for (const auto& summary : page.packages) {
               json::Members()
                   .add("name", [&summary](json::Writer& v) { v.string(summary.name.to_string()); })
                   .add("latest",
                        [&summary](json::Writer& v) { v.string(summary.latest.to_string()); })
                   .add("kind", [&summary](json::Writer& v) { v.string(to_string(summary.kind)); })
                   .add("description",
                        [&summary](json::Writer& v) { v.string(summary.description); })
                   .write(w);
             }
             w.end_array();
           })
      .add("next_cursor",
           [&page](json::Writer& w) {
             if (page.next_cursor) {
               w.string(*page.next_cursor);
             } else {
               w.null();
             }
           })
      .write(out);
  return out.take();
}

}  // namespace wreg::api
