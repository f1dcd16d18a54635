#include "server/web/pages.h"

#include <cstdio>
#include <kainjow/mustache.hpp>
#include <stdexcept>

#include "common/wasm/component_info.h"
#include "server/web/assets.h"
#include "server/web/wit_html.h"

namespace wreg::web {
namespace {

namespace mustache = kainjow::mustache;
using mustache::data;

std::string_view asset(std::string_view name) {
  for (const WebAsset& asset : embedded_web_assets()) {
    if (asset.name == name) return asset.text;
  }
  // The assets are compiled in, and a test renders every page: a missing one is this build's bug.
  throw std::logic_error("no web asset " + std::string(name));
}

// `template_name` rendered with `values`. A template that does not parse, or a value it cannot
// render, is this build's bug (a test renders every page), not the request's.
std::string render(std::string_view template_name, const data& values) {
  mustache::mustache page{std::string(asset(template_name))};
  std::string text = page.render(values);
  if (!page.is_valid()) {
    throw std::logic_error("template " + std::string(template_name) + ": " + page.error_message());
  }
  return text;
}

// The template file `name` as a partial, for a page's `{{> ...}}`.
mustache::partial partial_of(std::string_view name) {
  return mustache::partial{[name] { return std::string(asset(name)); }};
}

std::string whole_page(const std::string& title, const std::string& query,
                       const std::string& content) {
  data values;
  values.set("title", title);
  values.set("query", query);
  values.set("server_version", std::string(WREG_VERSION));
  values.set("content", content);
  return render("layout.html", values);
}

// Sets `key` only when `text` is not empty: an empty string would still open a Mustache section.
void set_text(data& values, const std::string& key, const std::string& text) {
  if (!text.empty()) values.set(key, text);
}

std::string byte_size(std::uint64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes) / 1024;
  int unit = 0;
  while (value >= 1024 && unit < 3) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %s", value, units[unit]);
  return text;
}

// `1 package`, `2 packages`.
std::string counted(std::uint64_t count, const std::string& noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

// `2026-11-26T01:02:03Z` as `2026-11-26`.
std::string date_of(const std::string& published) { return published.substr(0, 10); }

// A link target from a binary's metadata: only an absolute http or https URL of printable
// ASCII, so that a `javascript:` or `data:` URL a publisher wrote is shown as text, never
// followed, and no invisible character hides where a link leads.
bool is_web_url(const std::string& text) {
  if (!text.starts_with("https://") && !text.starts_with("http://")) return false;
  for (unsigned char c : text) {
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return text.find_first_of("\"'<>\\`") == std::string::npos;
}

const char* kind_label(api::ReleaseKind kind) {
  return kind == api::ReleaseKind::kComponent ? "Component" : "WIT package";
}

data externs(const std::vector<wasm::Extern>& list) {
  data items{data::type::list};
  for (const wasm::Extern& item : list) {
    data entry;
    entry.set("name", shown_text(item.name));
    entry.set("kind", std::string(wasm::to_string(item.kind)));
    if (!item.type.empty()) {
      entry.set("type", shown_text(item.type));
    } else {
      entry.set("type", false);
    }
    items.push_back(entry);
  }
  return items;
}

// The list package_list.html shows: `found`, each with its newest version and description.
void set_package_list(data& values, const std::vector<api::PackageSummary>& found) {
  values.set("package_list", partial_of("package_list.html"));
  data items{data::type::list};
  for (const api::PackageSummary& summary : found) {
    data entry;
    entry.set("package", summary.name.to_string());
    entry.set("href", package_href(summary.name));
    entry.set("latest", summary.latest.to_string());
    entry.set("kind", std::string(kind_label(summary.kind)));
    if (!summary.description.empty()) {
      entry.set("description", shown_text(summary.description));
    } else {
      entry.set("description", false);
    }
    items.push_back(entry);
  }
  values.set("packages_found", !items.is_empty_list());
  values.set("found", items);
}

// The lines that fetch `name`@`version` with wkg and name it as an OCI artifact, set into
// `values`. An OCI tag cannot hold a version's build metadata (`+`): such a version has no
// reference line.
void set_other_clients(data& values, const PackageName& name, const Version& version,
                       const RegistryAddress& address) {
  values.set("other_clients", partial_of("other_clients.html"));
  set_text(values, "host", address.host);
  const std::string text = version.to_string();
  if (text.find('+') == std::string::npos) {
    values.set("oci_reference", address.oci_prefix + name.space() + "/" + name.name() + ":" + text);
  }
}

// What release_body.html shows of `release` (and of `wit`), set into `values`.
void set_release_body(data& values, const api::ReleaseDocument& release, const WitView& wit) {
  values.set("release_body", partial_of("release_body.html"));
  const wasm::Metadata& metadata = release.details.metadata;
  data facts{data::type::list};
  auto fact = [&](const char* label, const std::optional<std::string>& value, bool link) {
    if (!value || value->empty()) return;
    data entry;
    entry.set("label", std::string(label));
    entry.set("value", shown_text(*value));
    if (link && is_web_url(*value)) {
      entry.set("href", *value);
    } else {
      entry.set("href", false);
    }
    facts.push_back(entry);
  };
  fact("Authors", metadata.authors, false);
  fact("Licenses", metadata.licenses, false);
  fact("Homepage", metadata.homepage, true);
  fact("Source", metadata.source, true);
  fact("Revision", metadata.revision, false);
  fact("Version in the binary", metadata.version, false);
  if (release.details.component_name) fact("Component name", release.details.component_name, false);
  values.set("has_metadata", !facts.is_empty_list());
  values.set("metadata", facts);

  data dependencies{data::type::list};
  for (const api::Dependency& dependency : release.summary.dependencies) {
    data entry;
    entry.set("package", dependency.name.to_string());
    entry.set("href", package_href(dependency.name));
    entry.set("requirement", dependency.requirement.to_string());
    dependencies.push_back(entry);
  }
  values.set("has_dependencies", !dependencies.is_empty_list());
  values.set("dependencies", dependencies);

  const bool has_imports = !release.details.imports.empty();
  const bool has_exports = !release.details.exports.empty();
  values.set("has_externs", has_imports || has_exports);
  values.set("has_imports", has_imports);
  values.set("has_exports", has_exports);
  values.set("imports", externs(release.details.imports));
  values.set("exports", externs(release.details.exports));

  values.set("has_wit", wit.text != nullptr);
  data blocks{data::type::list};
  if (wit.text) {
    for (WitBlock& block : wit_blocks(*wit.text)) {
      data entry;
      if (!block.summary.empty()) {
        entry.set("summary", block.summary);
      } else {
        entry.set("summary", false);
      }
      entry.set("html", block.html);
      blocks.push_back(entry);
    }
  }
  values.set("wit_blocks", blocks);
  set_text(values, "wit_unavailable", wit.text ? std::string() : wit.unavailable);
}

}  // namespace

std::string namespace_href(const std::string& ns) { return "/namespaces/" + ns; }

std::string package_href(const PackageName& name) {
  return "/packages/" + name.space() + "/" + name.name();
}

std::string release_href(const PackageName& name, const Version& version) {
  return package_href(name) + "/" + version.to_string();
}

std::string home_page(const HomeView& view) {
  data values;
  values.set("counts", counted(view.packages, "package") + ", " +
                           counted(view.releases, "release") + " in " +
                           counted(view.namespaces, "namespace"));
  values.set("query", view.query);
  values.set("exports", view.exports);
  values.set("imports", view.imports);
  values.set("searched", view.searched);
  set_package_list(values, view.found);
  data recent{data::type::list};
  for (const store::RecentRelease& release : view.recent) {
    data entry;
    entry.set("package", release.id.name.to_string());
    entry.set("version", release.id.version.to_string());
    entry.set("href", release_href(release.id.name, release.id.version));
    entry.set("kind", std::string(kind_label(release.kind)));
    entry.set("published", release.published);
    entry.set("published_date", date_of(release.published));
    recent.push_back(entry);
  }
  values.set("has_recent", !view.searched && !recent.is_empty_list());
  values.set("recent", recent);
  set_text(values, "next", view.next_href);
  return whole_page(view.searched ? "Search" : "Packages", view.query, render("home.html", values));
}

std::string package_page(const PackageView& view) {
  const api::PackageDocument& package = view.package;
  const std::optional<api::ReleaseDocument>& newest = view.newest;
  data values;
  const std::string name = package.name.to_string();
  values.set("package", name);
  values.set("namespace", package.name.space());
  values.set("namespace_href", namespace_href(package.name.space()));
  // The description of the release the page leads with; the package's (the newest release's
  // that has one, yanked or not) when that one has none.
  const std::string& description =
      newest && !newest->description.empty() ? newest->description : package.description;
  set_text(values, "description", shown_text(description));
  const api::ReleaseSummary* lead =
      newest ? &newest->summary : (package.versions.empty() ? nullptr : &package.versions.front());
  values.set("kind", std::string(lead ? kind_label(lead->kind) : "Package"));
  if (lead) {
    data lead_values;
    lead_values.set("version", lead->version.to_string());
    lead_values.set("published", date_of(lead->published));
    lead_values.set("yanked", lead->yanked);
    set_other_clients(lead_values, package.name, lead->version, view.address);
    values.set("newest", lead_values);
  }
  if (newest) {
    set_release_body(values, *newest, view.wit);
  } else {
    values.set("release_body", std::string());
  }
  data versions{data::type::list};
  bool any_yanked = false;
  for (const api::ReleaseSummary& summary : package.versions) {
    data entry;
    entry.set("version", summary.version.to_string());
    entry.set("href", release_href(package.name, summary.version));
    entry.set("published", summary.published);
    entry.set("published_date", date_of(summary.published));
    entry.set("size", byte_size(summary.size));
    const std::string digest = summary.digest.to_string();
    entry.set("digest", digest);
    entry.set("digest_short", digest.substr(0, 19) + "…");
    entry.set("yanked", summary.yanked);
    any_yanked = any_yanked || summary.yanked;
    versions.push_back(entry);
  }
  values.set("versions", versions);
  values.set("any_yanked", any_yanked);
  data used_by{data::type::list};
  for (const PackageName& dependent : view.used_by) {
    data entry;
    entry.set("package", dependent.to_string());
    entry.set("href", package_href(dependent));
    used_by.push_back(entry);
  }
  values.set("has_used_by", !used_by.is_empty_list());
  values.set("used_by", used_by);
  values.set("more_used_by", view.more_used_by);
  return whole_page(name, "", render("package.html", values));
}

std::string release_page(const api::ReleaseDocument& release, const WitView& wit,
                         const std::optional<WitChanges>& changes, const RegistryAddress& address) {
  data values;
  const std::string name = release.name.to_string();
  const api::ReleaseSummary& summary = release.summary;
  values.set("package", name);
  values.set("package_href", package_href(release.name));
  values.set("version", summary.version.to_string());
  values.set("kind", std::string(kind_label(summary.kind)));
  set_text(values, "description", shown_text(release.description));
  values.set("yanked", summary.yanked);
  values.set("published", summary.published);
  values.set("published_date", date_of(summary.published));
  values.set("size", byte_size(summary.size) + " (" + std::to_string(summary.size) + " bytes)");
  values.set("digest", summary.digest.to_string());
  values.set("download", "/api/v1/blobs/" + summary.digest.to_string());
  values.set("file_name", release.name.name() + "-" + summary.version.to_string() + ".wasm");
  set_other_clients(values, release.name, summary.version, address);
  set_release_body(values, release, wit);
  if (changes) {
    data changed;
    changed.set("since", changes->since.to_string());
    changed.set("since_href", release_href(release.name, changes->since));
    changed.set("unchanged", changes->html && changes->html->empty());
    changed.set("too_long", !changes->html);
    set_text(changed, "diff", changes->html.value_or(""));
    values.set("changes", changed);
  }
  return whole_page(name + "@" + summary.version.to_string(), "", render("release.html", values));
}

std::string namespace_page(const NamespaceView& view) {
  data values;
  values.set("namespace", view.name);
  set_package_list(values, view.found);
  set_text(values, "next", view.next_href);
  return whole_page(view.name, "", render("namespace.html", values));
}

std::string error_page(std::string_view heading, std::string_view message) {
  data values;
  values.set("heading", std::string(heading));
  values.set("message", std::string(message));
  return whole_page(std::string(heading), "", render("error.html", values));
}

std::string_view stylesheet() { return asset("wreg.css"); }

std::string_view script() { return asset("wreg.js"); }

std::string_view favicon() { return asset("favicon.svg"); }

}  // namespace wreg::web
