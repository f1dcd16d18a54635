// GET /api/v1/packages/{ns}/{name}, GET /api/v1/packages/{ns}/{name}/{version} and its /wit.
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/api/answers.h"
#include "common/api/release_document.h"
#include "common/mapped_file.h"
#include "common/tlog/proof.h"
#include "common/wit/wit_text.h"
#include "server/api/handlers.h"
#include "server/api/heap.h"
#include "server/api/request_values.h"
#include "server/tlog/transparency_log.h"

namespace wreg::api {

namespace {

// The release document of `record`. kInternal when its details, which api::to_json wrote at
// publish, do not read back.
Result<ReleaseDocument> release_document(store::ReleaseRecord record) {
  auto details = parse_release_details(record.details_json);
  if (!details) {
    return Error{ErrorCode::kInternal, "stored release details of " + record.name.to_string() +
                                           "@" + record.summary.version.to_string() +
                                           " do not read back: " + details.error().message};
  }
  return ReleaseDocument{std::move(record.name),    std::move(record.description),
                         std::move(record.summary), std::move(record.imports),
                         std::move(record.exports), std::move(*details),
                         record.log_index};
}

}  // namespace

Result<ReleaseDocument> read_release(ApiContext& context, const PackageVersion& id) {
  auto record = context.metadata.release(id);
  if (!record) return std::move(record).error();
  return release_document(std::move(*record));
}

std::string extended_etag(const std::string& etag, std::string_view part) {
  return etag.substr(0, etag.size() - 1) + "/" + std::string(part) + "\"";
}

std::string release_etag(const std::string& package_etag, const Version& version) {
  return extended_etag(package_etag, version.to_string());
}

std::optional<http::Response> not_modified(const http::Request& request, const std::string& etag) {
  const std::string* tags = request.header("if-none-match");
  if (!tags || !if_none_match(*tags, etag)) return std::nullopt;
  http::Response response;
  response.status = 304;
  response.set("ETag", etag);
  response.set("Cache-Control", "no-cache");
  return response;
}

namespace {

// The release document of `id` as served.
Result<std::shared_ptr<const std::string>> render_release(ApiContext& context,
                                                          const PackageVersion& id) {
  std::shared_ptr<const std::string> body;
  {
    auto document = read_release(context, id);
    if (!document) return std::move(document).error();
    body = std::make_shared<const std::string>(to_json(*document));
  }
  // The record and the parsed document, a few times the text's size, are freed by now.
  return_free_memory(body->size());
  return body;
}

// 200 with the document as cached: shared, not copied.
http::Response document_response(std::shared_ptr<const std::string> body, std::string etag) {
  http::Response response = http::json_response(200, {});
  response.shared_body = std::move(body);
  response.set("ETag", std::move(etag));
  // Clients may keep it, but must revalidate (cheaply, with If-None-Match) before each use.
  response.set("Cache-Control", "no-cache");
  return response;
}

}  // namespace

namespace {

// The document, or the release, as held (get_package() and get_release() once the mirror is up
// to date).
http::Response held_package(const http::Request& request, ApiContext& context,
                            const PackageName& name);
http::Response held_release(const http::Request& request, ApiContext& context,
                            const PackageVersion& id);
http::Response held_wit(const http::Request& request, ApiContext& context,
                        const PackageVersion& id);
http::Response held_proof(const http::Request& request, ApiContext& context,
                          const PackageVersion& id);

// A mirrored package's answer says when the upstream failed (mirror.h); a package of which
// nothing is held is then the upstream's failure, not a 404.
http::Response with_upstream(ApiContext& context, const PackageName& name,
                             const std::string& upstream, http::Response response) {
  if (upstream.empty()) return response;
  if (response.status == 404) {
    if (auto error = mirror_unavailable(context, name, upstream)) response = error_of(*error);
  }
  response.set("Wreg-Upstream", upstream);
  return response;
}

}  // namespace

http::Response get_package(const http::Request& request, ApiContext& context) {
  if (auto access = check_read_access(request, context); !access) return error_of(access.error());
  auto name = package_name_of(request);
  if (!name) return error_of(name.error());
  const std::string upstream = refresh_mirrored(context, *name);
  return with_upstream(context, *name, upstream, held_package(request, context, *name));
}

namespace {

http::Response held_package(const http::Request& request, ApiContext& context,
                            const PackageName& name) {
  // The document as last served, when no package changed since its ETag was found current
  // (document_cache.h); otherwise the ETag first (one indexed lookup): it answers a
  // revalidation, and finds the document already rendered at that revision.
  const std::string key = name.to_string();
  std::shared_ptr<const std::string> body;
  std::string etag;
  std::uint64_t generation = 0;
  if (auto hit = context.documents.find_checked(key)) {
    body = std::move(hit->body);
    etag = std::move(hit->etag);
  } else {
    generation = context.documents.generation();
    auto current = context.metadata.package_etag(name);
    if (!current) return error_of(current.error());
    etag = std::move(*current);
  }
  if (auto answer = not_modified(request, etag)) return std::move(*answer);
  if (!body) body = context.documents.find(key, etag, generation);
  if (!body) {
    auto record = context.metadata.package(name);
    if (!record) return error_of(record.error());
    body = std::make_shared<const std::string>(to_json(record->document));
    context.documents.put(key, record->etag, body, generation);
    etag = record->etag;
  }
  return document_response(std::move(body), std::move(etag));
}

}  // namespace

namespace {

// A read of one release (get_release(), get_wit()): the read rule, its name and version, its
// mirror brought up to date, then `held(request, context, id)` answers from what is held.
template <typename Held>
http::Response release_route(const http::Request& request, ApiContext& context, Held held) {
  if (auto access = check_read_access(request, context); !access) return error_of(access.error());
  auto id = package_version_of(request);
  if (!id) return error_of(id.error());
  const std::string upstream = refresh_mirrored(context, id->name);
  return with_upstream(context, id->name, upstream, held(request, context, *id));
}

}  // namespace

http::Response get_release(const http::Request& request, ApiContext& context) {
  return release_route(request, context, held_release);
}

namespace {

http::Response held_release(const http::Request& request, ApiContext& context,
                            const PackageVersion& id) {
  // As get_package, with an ETag made of the package's and the version: every change of a
  // release's document (its yank or unyank) bumps its package's revision. The ETag is read before
  // the release, so the document kept is never older than the ETag it is kept at. A 304 is given
  // only for a release known to exist (a cached one), so `If-None-Match: *` on a missing version is
  // still a 404.
  const std::string key = id.name.to_string() + "@" + id.version.to_string();
  std::shared_ptr<const std::string> body;
  std::string etag;
  if (auto hit = context.release_documents.find_checked(key)) {
    body = std::move(hit->body);
    etag = std::move(hit->etag);
  } else {
    const std::uint64_t generation = context.release_documents.generation();
    auto current = context.metadata.package_etag(id.name);
    if (!current) return error_of(current.error());
    etag = release_etag(*current, id.version);
    body = context.release_documents.find(key, etag, generation);
    if (!body) {
      // One rendering at a time, so that concurrent first GETs of a large release render it
      // once (the others find it when they get the lock) and hold one rendering's memory.
      std::lock_guard rendering(context.release_rendering);
      body = context.release_documents.find(key, etag, generation);
      if (!body) {
        auto rendered = render_release(context, id);
        if (!rendered) return error_of(rendered.error());
        body = std::move(*rendered);
        context.release_documents.put(key, etag, body, generation);
      }
    }
  }
  if (auto answer = not_modified(request, etag)) return std::move(*answer);
  return document_response(std::move(body), std::move(etag));
}

}  // namespace

http::Response get_wit(const http::Request& request, ApiContext& context) {
  return release_route(request, context, held_wit);
}

namespace {

// The WIT of `id` as printed from its stored bytes. kNotFound when there is no such release; an
// error (kIo, with the detail for the log only) when its bytes cannot be read. A binary the printer
// refuses is an Entry with its reason.
Result<WitTexts::Entry> print_wit(ApiContext& context, const PackageVersion& id,
                                  std::string& log_detail) {
  auto record = context.metadata.release(id);
  if (!record) return std::move(record).error();
  const Digest& digest = record->summary.digest;
  const std::string release = id.name.to_string() + "@" + record->summary.version.to_string();
  const Error unreadable{ErrorCode::kIo,
                         "the stored bytes of " + release +
                             " cannot be read; the registry's operator can run `wreg-server fsck`"};
  auto blob = context.blobs.locate(digest);
  if (!blob) {
    log_detail = blob.error().message;
    return unreadable;
  }
  auto mapped = MappedFile::open(blob->path.string());
  if (!mapped) {
    log_detail = mapped.error().message;
    return unreadable;
  }
  std::shared_ptr<const std::string> listing;
  {
    auto text = wit::wit_text(mapped->bytes());
    if (!text) {
      return WitTexts::Entry{digest, nullptr,
                             release + " cannot be shown as WIT: " + text.error().message +
                                 "; its bytes are at /api/v1/blobs/" + digest.to_string()};
    }
    listing = std::make_shared<const std::string>(wit::listing(*text));
  }
  // The printer's model of the binary, a few times the text's size, is freed by now.
  return_free_memory(mapped->size());
  return WitTexts::Entry{digest, std::move(listing), {}};
}

// The ETag of a release's WIT: its bytes decide the text, and this server's printer.
std::string wit_etag(const Digest& digest) {
  const std::string text = digest.to_string();
  return "\"wit-" + text.substr(text.find(':') + 1) + "-" + WREG_VERSION + "\"";
}

}  // namespace

Result<WitTexts::Entry> release_wit(ApiContext& context, const PackageVersion& id,
                                    std::string& log_detail) {
  return context.wit_texts.print_once(id.name.to_string() + "@" + id.version.to_string(),
                                      [&] { return print_wit(context, id, log_detail); });
}

namespace {

http::Response held_wit(const http::Request& request, ApiContext& context,
                        const PackageVersion& id) {
  // A release's text never changes (wit_texts.h), so once printed it is answered, and revalidated,
  // without asking the store; a 304 is given only for a release found, as in held_release().
  std::string log_detail;
  auto entry = release_wit(context, id, log_detail);
  if (!entry) {
    http::Response response = error_of(entry.error());
    response.log_detail = std::move(log_detail);
    return response;
  }
  if (!entry->text) return http::error_response(422, "unprintable", entry->unprintable);
  std::string etag = wit_etag(entry->digest);
  if (auto answer = not_modified(request, etag)) return std::move(*answer);
  http::Response response;
  response.set("Content-Type", "text/plain; charset=utf-8");
  response.shared_body = std::move(entry->text);
  response.set("ETag", std::move(etag));
  response.set("Cache-Control", "no-cache");
  return response;
}

}  // namespace

http::Response get_release_proof(const http::Request& request, ApiContext& context) {
  return release_route(request, context, held_proof);
}

namespace {

http::Response held_proof(const http::Request& request, ApiContext& context,
                          const PackageVersion& id) {
  auto log = log_of(context);
  if (!log) return error_of(log.error());
  auto from = number_param(request, "from", 0, UINT64_MAX);
  if (!from) return error_of(from.error());
  const std::string key = id.to_string();
  std::optional<std::pair<Version, std::uint64_t>> known;
  {
    std::lock_guard lock(context.log_indexes.mutex);
    if (auto found = context.log_indexes.by_release.find(key);
        found != context.log_indexes.by_release.end()) {
      known = found->second;
    }
  }
  if (!known) {
    auto record = context.metadata.release_log_index(id);
    if (!record) return error_of(record.error());
    if (!record->second) {
      return error_of(fail(ErrorCode::kUnavailable,
                           id.name.to_string() + "@" + record->first.to_string() +
                               " has no entry in the transparency log yet; the server logs it "
                               "when it starts, so ask again after its restart"));
    }
    known.emplace(std::move(record->first), *record->second);
    std::lock_guard lock(context.log_indexes.mutex);
    if (context.log_indexes.by_release.size() >= LogIndexes::kMaxEntries) {
      context.log_indexes.by_release.clear();
    }
    context.log_indexes.by_release.emplace(key, *known);
  }
  const PackageVersion release{id.name, known->first};
  const std::uint64_t index = known->second;
  auto latest = (*log)->latest();
  if (index >= latest->checkpoint.size) {
    // Appended by another process (a mirror sync) and not signed yet: wait for its checkpoint.
    auto awaited = (*log)->await_entries();
    if (!awaited) return error_of(awaited.error());
    latest = std::move(*awaited);
  }
  const std::uint64_t size = latest->checkpoint.size;
  auto path = (*log)->inclusion_proof(index, size);
  if (!path) return error_of(path.error());
  ReleaseProof answer{release,
                      index,
                      tlog::TlogProof{"", index, std::move(*path), latest->note}.text(),
                      std::nullopt,
                      {}};
  if (*from && **from <= size) {
    auto consistency = (*log)->consistency_proof(**from, size);
    if (!consistency) return error_of(consistency.error());
    answer.consistency_from = **from;
    answer.consistency = std::move(*consistency);
  }
  http::Response response = http::json_response(200, to_json(answer));
  // The proof is against the newest checkpoint, which moves on with every write.
  response.set("Cache-Control", "no-cache");
  return response;
}

}  // namespace

}  // namespace wreg::api
