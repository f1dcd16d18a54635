#include "common/api/answers.h"

#include "common/api/json_fields.h"
#include "common/base64.h"
#include "common/text.h"

namespace wreg::api {
namespace {

using json::Fields;
using json::Json;

// `name` and `version` of an answer about one release.
Result<PackageVersion> read_id(const Fields& fields) {
  auto name = fields.package_name("name");
  if (!name) return std::move(name).error();
  auto version = fields.version("version");
  if (!version) return std::move(version).error();
  return PackageVersion{std::move(*name), std::move(*version)};
}

bool is_code_text(const std::string& code) {
  if (code.empty()) return false;
  for (char c : code) {
    if (!((c >= 'a' && c <= 'z') || c == '_')) return false;
  }
  return true;
}

// Why `ns` is not a namespace name (the part of a package name before ':'), or nothing.
std::optional<std::string> namespace_problem(std::string_view ns) {
  auto name = PackageName::parse(std::string(ns) + ":x");
  if (name && name->space() == ns) return std::nullopt;
  return "namespace " + wreg::quoted(ns) + " is not a valid namespace name";
}

}  // namespace

Result<Published> parse_published(std::string_view text) {
  return json::read_document(
      text, "publish answer", "the answer", [](const Fields& fields) -> Result<Published> {
        auto id = read_id(fields);
        if (!id) return std::move(id).error();
        const Fields release = fields.renamed("the answer for " + id->to_string());
        auto digest = release.digest("digest");
        if (!digest) return std::move(digest).error();
        auto size = release.unsigned_number("size");
        if (!size) return std::move(size).error();
        auto kind = release.release_kind("kind");
        if (!kind) return std::move(kind).error();
        auto created = release.boolean("created");
        if (!created) return std::move(created).error();
        auto log_index = release.optional_unsigned_number("log_index");
        if (!log_index) return std::move(log_index).error();
        return Published{std::move(*id), *digest, *size, *kind, *created, *log_index};
      });
}

Result<YankState> parse_yank_state(std::string_view text) {
  return json::read_document(text, "yank answer", "the answer",
                             [](const Fields& fields) -> Result<YankState> {
                               auto id = read_id(fields);
                               if (!id) return std::move(id).error();
                               auto yanked = fields.boolean("yanked");
                               if (!yanked) return std::move(yanked).error();
                               return YankState{std::move(*id), *yanked};
                             });
}

Result<ErrorBody> parse_error_body(std::string_view text) {
  return json::read_document(text, "error answer", "the answer",
                             [](const Fields& answer) -> Result<ErrorBody> {
                               const Json* error = answer.find("error");
                               if (error == nullptr || !error->is_object())
                                 return answer.bad("has no \"error\" object");
                               const Fields fields = answer.child(*error, "error");
                               auto code = fields.string("code");
                               if (!code) return std::move(code).error();
                               if (!is_code_text(*code))
                                 return fields.bad("\"code\" is not lowercase letters and '_'");
                               auto message = fields.string("message");
                               if (!message) return std::move(message).error();
                               return ErrorBody{std::move(*code), std::move(*message)};
                             });
}

Result<Health> parse_health(std::string_view text) {
  return json::read_document(text, "health answer", "the answer",
                             [](const Fields& fields) -> Result<Health> {
                               auto status = fields.string("status");
                               if (!status) return std::move(status).error();
                               if (*status != "ok")
                                 return fields.bad("has unknown status " + wreg::quoted(*status));
                               return Health{std::move(*status)};
                             });
}

Result<Whoami> parse_whoami(std::string_view text) {
  return json::read_document(text, "whoami answer", "the answer",
                             [](const Fields& fields) -> Result<Whoami> {
                               auto id = fields.unsigned_number("token_id");
                               if (!id) return std::move(id).error();
                               auto admin = fields.boolean("admin");
                               if (!admin) return std::move(admin).error();
                               auto namespaces = fields.strings("namespaces", namespace_problem);
                               if (!namespaces) return std::move(namespaces).error();
                               return Whoami{*id, *admin, std::move(*namespaces)};
                             });
}

std::string to_json(const Published& published) {
  json::Writer out;
  json::Members members;
  members.add("name", [&](json::Writer& w) { w.string(published.id.name.to_string()); })
      .add("version", [&](json::Writer& w) { w.string(published.id.version.to_string()); })
      .add("digest", [&](json::Writer& w) { w.string(published.digest.to_string()); })
      .add("size", [&](json::Writer& w) { w.number(published.size); })
      .add("kind", [&](json::Writer& w) { w.string(to_string(published.kind)); })
      .add("created", [&](json::Writer& w) { w.boolean(published.created); });
  if (published.log_index) {
    members.add("log_index", [&](json::Writer& w) { w.number(*published.log_index); });
  }
  members.write(out);
  return out.take();
}

std::string to_json(const YankState& state) {
  json::Writer out;
  json::Members()
      .add("name", [&](json::Writer& w) { w.string(state.id.name.to_string()); })
      .add("version", [&](json::Writer& w) { w.string(state.id.version.to_string()); })
      .add("yanked", [&](json::Writer& w) { w.boolean(state.yanked); })
      .write(out);
  return out.take();
}

std::string to_json(const ErrorBody& error) {
  json::Writer out;
  out.begin_object().key("error");
  json::Members()
      .add("code", [&](json::Writer& w) { w.string(error.code); })
      .add("message", [&](json::Writer& w) { w.string(error.message); })
      .write(out);
  out.end_object();
  return out.take();
}

std::string to_json(const Health& health) {
  json::Writer out;
  out.begin_object().key("status").string(health.status).end_object();
  return out.take();
}

std::string to_json(const Whoami& whoami) {
  json::Writer out;
  json::Members()
      .add("token_id", [&](json::Writer& w) { w.number(whoami.token_id); })
      .add("admin", [&](json::Writer& w) { w.boolean(whoami.admin); })
      .add("namespaces", [&](json::Writer& w) { w.strings(whoami.namespaces); })
      .write(out);
  return out.take();
}

Result<ReleaseProof> parse_release_proof(std::string_view text) {
  return json::read_document(
      text, "proof answer", "the answer", [](const Fields& fields) -> Result<ReleaseProof> {
        auto id = read_id(fields);
        if (!id) return std::move(id).error();
        const Fields answer = fields.renamed("the proof of " + id->to_string());
        auto index = answer.unsigned_number("log_index");
        if (!index) return std::move(index).error();
        auto proof = answer.string("proof");
        if (!proof) return std::move(proof).error();
        auto from = answer.optional_unsigned_number("consistency_from");
        if (!from) return std::move(from).error();
        auto hashes = answer.strings("consistency");
        if (!hashes) return std::move(hashes).error();
        if (hashes->size() > 64) return answer.bad("has more than 64 consistency hashes");
        ReleaseProof out{std::move(*id), *index, std::move(*proof), *from, {}};
        for (const std::string& encoded : *hashes) {
          auto bytes = base64_decode(encoded);
          if (!bytes || bytes->size() != out.consistency.emplace_back().size()) {
            return answer.bad("has a consistency hash that is not base64 of 32 bytes");
          }
          std::copy(bytes->begin(), bytes->end(), out.consistency.back().begin());
        }
        return out;
      });
}

std::string to_json(const ReleaseProof& proof) {
  std::vector<std::string> hashes;
  hashes.reserve(proof.consistency.size());
  for (const tlog::Hash& hash : proof.consistency) hashes.push_back(base64_encode(hash));
  json::Writer out;
  json::Members members;
  members.add("name", [&](json::Writer& w) { w.string(proof.id.name.to_string()); })
      .add("version", [&](json::Writer& w) { w.string(proof.id.version.to_string()); })
      .add("log_index", [&](json::Writer& w) { w.number(proof.log_index); })
      .add("proof", [&](json::Writer& w) { w.string(proof.proof); })
      .add("consistency", [&](json::Writer& w) { w.strings(hashes); });
  if (proof.consistency_from) {
    members.add("consistency_from", [&](json::Writer& w) { w.number(*proof.consistency_from); });
  }
  members.write(out);
  return out.take();
}

}  // namespace wreg::api
