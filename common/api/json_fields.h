// How the wire types of common/api read and write JSON: shared by their .cpp files only (this
// header is not part of the API; it is the one place nlohmann_json meets the wire types).
//
// Readers take a parsed object and check each field as a user's input would be checked: its JSON
// type first, then its text through the domain parser (PackageName, Version, VersionReq, Digest,
// interface names). A missing optional field and `null` both mean "not given". Unknown fields
// are ignored, so a server may add fields without breaking older clients. Every failure is
// kInvalidArgument, one line: "invalid <what> from the registry: <where> <why>".
//
// Writers build nlohmann objects, whose keys come out sorted, and dump them compactly with
// invalid UTF-8 replaced (a name or text from a binary may hold any bytes).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/api/package_document.h"
#include "common/result.h"
#include "common/wasm/extern_name.h"

namespace wreg::api::json {

using Json = nlohmann::json;

// Reads the fields of one JSON object; `what` names the document ("package document") and
// `where` the object inside it ("version 1.0.0") in every message.
class Fields {
 public:
  Fields(const Json& object, const char* what, std::string where)
      : object_(object), what_(what), where_(std::move(where)) {}

  // The same object, named `where` in messages from now on.
  Fields renamed(std::string where) const { return Fields(object_, what_, std::move(where)); }

  // The field's value, or null when it is absent or JSON null.
  const Json* find(const char* key) const;

  Result<std::string> string(const char* key) const;
  Result<std::optional<std::string>> optional_string(const char* key) const;
  Result<std::uint64_t> unsigned_number(const char* key) const;
  Result<bool> boolean(const char* key) const;
  // `fallback` when absent.
  Result<bool> boolean(const char* key, bool fallback) const;
  Result<PackageName> package_name(const char* key) const;
  Result<Version> version(const char* key) const;
  Result<Digest> digest(const char* key) const;
  Result<ReleaseKind> release_kind(const char* key) const;
  // The elements of an array field (empty when absent).
  Result<std::vector<const Json*>> array(const char* key) const;
  // An object field's members (empty when absent).
  Result<std::vector<std::pair<std::string, const Json*>>> object(const char* key) const;
  // A list of strings, each checked with `check` (which says why one is bad, or nothing).
  Result<std::vector<std::string>> strings(
      const char* key, std::optional<std::string> (*check)(std::string_view) = nullptr) const;
  // A list of interface names (`ns:pkg/item[@version]`).
  Result<std::vector<wasm::InterfaceName>> interface_names(const char* key) const;

  // The error for this object: "invalid <what> from the registry: <where> <why>".
  Error bad(const std::string& why) const;
  const char* what() const { return what_; }
  const std::string& where() const { return where_; }

 private:
  const Json& object_;
  const char* what_;
  std::string where_;
};

// "invalid <what> from the registry: <why>".
Error bad(const char* what, const std::string& why);

// Parses `text` as one JSON object. "not valid JSON" / "not a JSON object" otherwise.
Result<Json> parse_object(std::string_view text, const char* what);

// The summary fields of a release (version, digest, size, kind, yanked, published,
// dependencies), as in a package document's `versions` and at the top of a release document.
Result<ReleaseSummary> read_summary(const Fields& fields);
void write_summary(const ReleaseSummary& summary, Json& out);

// Compact text, invalid UTF-8 replaced rather than thrown on.
std::string dump(const Json& value);

}  // namespace wreg::api::json
