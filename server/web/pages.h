// The browse pages: HTML rendered on the server from the documents the API serves, for a person
// who opens a link to a package and must understand it without a client.
//
// Rendered with Mustache templates (server/web/templates/, kainjow's header-only engine from
// Debian's libkainjow-mustache-dev): every `{{value}}` is HTML-escaped (& < > " '), so a package's
// name, description or metadata cannot become markup. Three insertions are not escaped by the
// engine: the layout's `{{{content}}}`, a page body these functions rendered themselves, the
// WIT's `{{{html}}}`, which wit_html.h escapes as it highlights, and the WIT changes'
// `{{{diff}}}`, which wit_diff.h escapes line by line. Text from a binary is shown as
// wit_html.h's shown_text() writes it. A URL from a binary (its homepage, its source) becomes a
// link only when it is http or https and printable ASCII.
//
// The pages load nothing but /static/wreg.css, /static/wreg.js and their icon, and work without
// the script, which only adds copy buttons and search as you type; the handlers
// (server/api/browse.cpp) send them with a Content-Security-Policy that allows nothing else.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/api/package_document.h"
#include "common/api/release_document.h"
#include "common/api/search_page.h"
#include "server/store/metadata_store.h"

namespace wreg::web {

// A release's WIT as the page shows it: the text, or why there is none.
struct WitView {
  std::shared_ptr<const std::string> text;  // null when not shown
  std::string unavailable;                  // the reason, when `text` is null and one is known
};

// A release's WIT against the release before it on its track, for its page.
struct WitChanges {
  Version since;  // the previous release
  // wit_diff.h's hunks: "" when the WIT is the same; nullopt when it is too long to compare
  std::optional<std::string> html;
};

// How a page names this registry to wkg and OCI clients.
struct RegistryAddress {
  std::string host;        // HOST[:PORT]; empty when unknown: the page's script fills it in
  std::string oci_prefix;  // the repositories' prefix under /v2/ (`wasm/`), or ""
};

// What the front page shows: the counts, the search as asked, and one page of packages.
struct HomeView {
  std::uint64_t namespaces = 0;
  std::uint64_t packages = 0;
  std::uint64_t releases = 0;
  std::string query;    // q=, as asked
  std::string exports;  // exports=, as asked
  std::string imports;  // imports=, as asked
  bool searched = false;
  std::vector<api::PackageSummary> found;
  std::string next_href;                     // the next page's link; empty on the last
  std::vector<store::RecentRelease> recent;  // shown when nothing was searched
};

// A namespace's page: one page of its packages.
struct NamespaceView {
  std::string name;
  std::vector<api::PackageSummary> found;
  std::string next_href;  // the next page's link; empty on the last
};

// A package's page.
struct PackageView {
  api::PackageDocument package;
  // The release the page leads with (its metadata, imports and exports); nullopt when the
  // package has no release that reads.
  std::optional<api::ReleaseDocument> newest;
  WitView wit;                       // the WIT of `newest`
  std::vector<PackageName> used_by;  // packages that depend on it, sorted
  bool more_used_by = false;         // whether `used_by` was cut short
  RegistryAddress address;
};

// Whole HTML documents.
std::string home_page(const HomeView& view);
std::string namespace_page(const NamespaceView& view);
std::string package_page(const PackageView& view);
// `changes`: nullopt when there is no earlier release on the track, or no WIT to compare.
std::string release_page(const api::ReleaseDocument& release, const WitView& wit,
                         const std::optional<WitChanges>& changes, const RegistryAddress& address);
// An error as a page: `heading` and `message` are shown as text.
std::string error_page(std::string_view heading, std::string_view message);

// The stylesheet, the script and the icon every page links: /static/wreg.css, /static/wreg.js
// and /static/favicon.svg.
std::string_view stylesheet();
std::string_view script();
std::string_view favicon();

// The path of a namespace's page, a package's page and a release's page.
std::string namespace_href(const std::string& ns);
std::string package_href(const PackageName& name);
std::string release_href(const PackageName& name, const Version& version);

}  // namespace wreg::web
