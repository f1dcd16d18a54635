// The browse pages: GET /, /namespaces/{ns}, /packages/{ns}/{name},
// /packages/{ns}/{name}/{version} and the files they load from /static/ (server/web/pages.h
// renders them).
#include <memory>
#include <optional>
#include <string>

#include "common/digest.h"
#include "common/hex.h"
#include "server/api/handlers.h"
#include "server/api/request_values.h"
#include "server/web/pages.h"
#include "server/web/wit_diff.h"

namespace wreg::api {
namespace {

// The pages load their stylesheet and script from this server and nothing else: no inline
// script or style, no frame, no plugin, no form posting elsewhere, no other origin. The script
// asks only the search API (connect-src).
constexpr const char* kPagePolicy =
    "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; "
    "img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

http::Response html_response(int status, std::shared_ptr<const std::string> body) {
  http::Response response;
  response.status = status;
  response.set("Content-Type", "text/html; charset=utf-8");
  response.set("Content-Security-Policy", kPagePolicy);
  response.set("X-Content-Type-Options", "nosniff");
  response.set("Referrer-Policy", "same-origin");
  response.shared_body = std::move(body);
  return response;
}

// `error` as a page with its status: what the JSON API would answer, shown to a person.
http::Response error_page(const Error& error) {
  const http::Response json = error_of(error);
  std::string heading = json.status == 404  ? "Not found"
                        : json.status < 500 ? "This request cannot be answered"
                                            : "The registry cannot answer now";
  http::Response page = html_response(
      json.status, std::make_shared<const std::string>(web::error_page(heading, error.message)));
  page.log_detail = json.log_detail;
  for (const auto& [field, value] : json.headers) {
    if (field == "WWW-Authenticate") page.set(field, value);
  }
  return page;
}

// A listing (the front page, a namespace): rendered for each request, never kept.
http::Response listing_page(std::string body) {
  http::Response response =
      html_response(200, std::make_shared<const std::string>(std::move(body)));
  response.set("Cache-Control", "no-cache");
  return response;
}

// A page's ETag: the store's ETag of what it shows, marked as HTML of this server's templates.
std::string page_etag(const std::string& etag) {
  return extended_etag(etag, std::string("html-") + WREG_VERSION);
}

http::Response cached_page(std::shared_ptr<const std::string> body, std::string etag) {
  http::Response response = html_response(200, std::move(body));
  response.set("ETag", std::move(etag));
  response.set("Cache-Control", "no-cache");
  return response;
}

// The WIT a page shows for `id`: printed once per release, as GET .../wit prints it.
web::WitView wit_view(ApiContext& context, const PackageVersion& id) {
  std::string log_detail;
  auto entry = release_wit(context, id, log_detail);
  if (!entry) return {nullptr, entry.error().message};
  return {entry->text, entry->unprintable};
}

// The WIT of release `id` (`wit`) against the release before it on its track: its page's
// changes. nullopt when there is no such release, or either has no WIT to compare. The store's
// ETag of the package covers this: a publish or a yank of any of its versions changes it.
Result<std::optional<web::WitChanges>> wit_changes(ApiContext& context, const PackageVersion& id,
                                                   const web::WitView& wit) {
  if (!wit.text) return std::optional<web::WitChanges>();
  auto record = context.metadata.package(id.name);
  if (!record) return std::move(record).error();
  const Version* previous = nullptr;
  for (const ReleaseSummary& summary : record->document.versions) {
    const Version& version = summary.version;
    if (version < id.version && version.track() == id.version.track() &&
        (!previous || *previous < version)) {
      previous = &version;
    }
  }
  if (!previous) return std::optional<web::WitChanges>();
  const web::WitView before = wit_view(context, {id.name, *previous});
  if (!before.text) return std::optional<web::WitChanges>();
  return std::optional(web::WitChanges{*previous, web::wit_diff_html(*before.text, *wit.text)});
}

// The page of `key` at the store's `etag`: from the cache, or made by `render` and kept.
template <typename Render>
http::Response page_at(const http::Request& request, ApiContext& context, const std::string& key,
                       const std::string& store_etag, std::uint64_t generation, Render render) {
  const std::string etag = page_etag(store_etag);
  if (auto answer = not_modified(request, etag)) return std::move(*answer);
  std::shared_ptr<const std::string> body = context.pages.find(key, etag, generation);
  if (!body) {
    Result<std::string> rendered = render();
    if (!rendered) return error_page(rendered.error());
    body = std::make_shared<const std::string>(std::move(*rendered));
    context.pages.put(key, etag, body, generation);
  }
  return cached_page(std::move(body), etag);
}

// A cached page when no package changed since it was found current (document_cache.h).
std::optional<http::Response> checked_page(const http::Request& request, ApiContext& context,
                                           const std::string& key) {
  auto hit = context.pages.find_checked(key);
  if (!hit) return std::nullopt;
  if (auto answer = not_modified(request, hit->etag)) return std::move(*answer);
  return cached_page(std::move(hit->body), std::move(hit->etag));
}

// How many releases the front page lists as the newest, and dependents a package page names.
constexpr std::size_t kRecentReleases = 10;
constexpr std::size_t kDependentsShown = 50;

// The link to the next page of a listing: `base` with the filters asked and the cursor.
std::string next_page_href(const http::Request& request, std::string base,
                           const std::string& cursor) {
  for (const char* name : {"q", "exports", "imports"}) {
    if (const std::string* value = request.query_param(name); value && !value->empty()) {
      base += std::string(name) + "=" + percent_encode(*value) + "&";
    }
  }
  return base + "cursor=" + percent_encode(cursor);
}

std::vector<api::PackageSummary> summaries_of(std::vector<store::PackageSummary> found) {
  std::vector<api::PackageSummary> summaries;
  summaries.reserve(found.size());
  for (auto& summary : found) {
    summaries.push_back({std::move(summary.name), std::move(summary.latest), summary.kind,
                         std::move(summary.description)});
  }
  return summaries;
}

// The store's ETag of a package, extended by who depends on it: a package's page names its
// dependents, which change when another package publishes or yanks.
std::string with_dependents(const std::string& etag, const std::vector<PackageName>& dependents) {
  std::string names;
  for (const PackageName& name : dependents) names += name.to_string() + "\n";
  return extended_etag(etag, "used-" + Digest::of(names).hex().substr(0, 16));
}

}  // namespace

http::Response get_home_page(const http::Request& request, ApiContext& context) {
  if (auto access = check_read_access(request, context); !access) {
    return error_page(access.error());
  }
  auto query = search_query_of(request);
  if (!query) return error_page(query.error());
  auto counts = context.metadata.counts();
  if (!counts) return error_page(counts.error());
  auto found = context.metadata.search(*query);
  if (!found) return error_page(found.error());

  web::HomeView view;
  view.namespaces = counts->namespaces;
  view.packages = counts->packages;
  view.releases = counts->releases;
  auto text_of = [&](std::string_view name) {
    const std::string* value = request.query_param(name);
    return value ? *value : std::string();
  };
  view.query = text_of("q");
  view.exports = text_of("exports");
  view.imports = text_of("imports");
  view.searched = !view.query.empty() || !view.exports.empty() || !view.imports.empty();
  view.found = summaries_of(std::move(found->packages));
  if (!found->next_cursor.empty()) {
    view.next_href = next_page_href(request, "/?", found->next_cursor);
  }
  if (!view.searched) {
    auto recent = context.metadata.recent_releases(kRecentReleases);
    if (!recent) return error_page(recent.error());
    view.recent = std::move(*recent);
  }
  return listing_page(web::home_page(view));
}

http::Response get_namespace_page(const http::Request& request, ApiContext& context) {
  if (auto access = check_read_access(request, context); !access) {
    return error_page(access.error());
  }
  auto ns = namespace_of(request);
  if (!ns) return error_page(ns.error());
  auto exists = context.metadata.namespace_exists(*ns);
  if (!exists) return error_page(exists.error());
  if (!*exists) {
    return error_page(Error{ErrorCode::kNotFound, "no namespace " + *ns + " exists here"});
  }
  store::SearchQuery query;
  query.namespace_name = *ns;
  query.limit = store::SearchQuery::kMaxLimit;
  if (const std::string* cursor = request.query_param("cursor")) query.cursor = *cursor;
  auto found = context.metadata.search(query);
  if (!found) return error_page(found.error());
  web::NamespaceView view;
  view.name = *ns;
  view.found = summaries_of(std::move(found->packages));
  if (!found->next_cursor.empty()) {
    view.next_href = next_page_href(request, web::namespace_href(*ns) + "?", found->next_cursor);
  }
  return listing_page(web::namespace_page(view));
}

http::Response get_package_page(const http::Request& request, ApiContext& context) {
  if (auto access = check_read_access(request, context); !access) {
    return error_page(access.error());
  }
  auto name = package_name_of(request);
  if (!name) return error_page(name.error());
  refresh_mirrored(context, *name);
  const std::string key = name->to_string();
  if (auto page = checked_page(request, context, key)) return std::move(*page);
  const std::uint64_t generation = context.pages.generation();
  auto etag = context.metadata.package_etag(*name);
  if (!etag) return error_page(etag.error());
  auto dependents = context.metadata.dependents(*name, kDependentsShown + 1);
  if (!dependents) return error_page(dependents.error());
  const std::string page_state = with_dependents(*etag, *dependents);
  return page_at(request, context, key, page_state, generation, [&]() -> Result<std::string> {
    auto record = context.metadata.package(*name);
    if (!record) return std::move(record).error();
    web::PackageView view{std::move(record->document),
                          std::nullopt,
                          {},
                          {},
                          false,
                          {context.public_host, context.oci_namespace_prefix}};
    const PackageDocument& package = view.package;
    // The page leads with the release `wreg add ns:name` would choose.
    const std::size_t at = latest_index(
        package.versions,
        [](const ReleaseSummary& summary) -> const ReleaseSummary& { return summary; });
    const ReleaseSummary* lead = at < package.versions.size() ? &package.versions[at] : nullptr;
    if (lead) {
      const PackageVersion id{package.name, lead->version};
      auto release = read_release(context, id);
      if (!release) return std::move(release).error();
      view.newest = std::move(*release);
      view.wit = wit_view(context, id);
    }
    view.more_used_by = dependents->size() > kDependentsShown;
    if (view.more_used_by) dependents->pop_back();
    view.used_by = std::move(*dependents);
    return web::package_page(view);
  });
}

http::Response get_release_page(const http::Request& request, ApiContext& context) {
  if (auto access = check_read_access(request, context); !access) {
    return error_page(access.error());
  }
  auto id = package_version_of(request);
  if (!id) return error_page(id.error());
  refresh_mirrored(context, id->name);
  const std::string key = id->to_string();
  if (auto page = checked_page(request, context, key)) return std::move(*page);
  const std::uint64_t generation = context.pages.generation();
  auto etag = context.metadata.package_etag(id->name);
  if (!etag) return error_page(etag.error());
  return page_at(request, context, key, release_etag(*etag, id->version), generation,
                 [&]() -> Result<std::string> {
                   auto release = read_release(context, *id);
                   if (!release) return std::move(release).error();
                   const web::WitView wit = wit_view(context, *id);
                   auto changes = wit_changes(context, *id, wit);
                   if (!changes) return std::move(changes).error();
                   return web::release_page(*release, wit, *changes,
                                            {context.public_host, context.oci_namespace_prefix});
                 });
}

namespace {

// A file of the pages, as compiled in, with its ETag: made once per file, on its first request,
// and revalidated by that ETag, so that a new server's stylesheet or script is fetched at once.
struct StaticFile {
  StaticFile(std::string_view text, const char* type)
      : body(std::make_shared<const std::string>(text)),
        etag("\"" + Digest::of(*body).hex().substr(0, 16) + "\""),
        content_type(type) {}

  std::shared_ptr<const std::string> body;
  std::string etag;
  const char* content_type;
};

http::Response static_file(const http::Request& request, const StaticFile& file) {
  if (auto answer = not_modified(request, file.etag)) return std::move(*answer);
  http::Response response;
  response.set("Content-Type", file.content_type);
  response.set("X-Content-Type-Options", "nosniff");
  response.set("ETag", file.etag);
  response.set("Cache-Control", "no-cache");
  response.shared_body = file.body;
  return response;
}

}  // namespace

http::Response get_stylesheet(const http::Request& request, ApiContext&) {
  static const StaticFile file(web::stylesheet(), "text/css; charset=utf-8");
  return static_file(request, file);
}

http::Response get_script(const http::Request& request, ApiContext&) {
  static const StaticFile file(web::script(), "text/javascript; charset=utf-8");
  return static_file(request, file);
}

http::Response get_favicon(const http::Request& request, ApiContext&) {
  static const StaticFile file(web::favicon(), "image/svg+xml");
  return static_file(request, file);
}

}  // namespace wreg::api
