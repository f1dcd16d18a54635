// How the wire types of common/api read and write JSON: shared by their .cpp files only (this
// header is not part of the API; it is the one place nlohmann_json meets the wire types).
//
// Readers take a parsed object and check each field as a user's input would be checked: its JSON
// type first, then its text through the domain parser (PackageName, Version, VersionReq, Digest,
// interface names). A missing optional field and `null` both mean "not given". Unknown fields
// are ignored, so a server may add fields without breaking older clients. Every failure is
// kInvalidArgument, one line: "invalid <what> from the registry: <where> <why>".
//
// Writers write the text directly (Writer below), with no document built in between: the server
// writes a body per request. The text is exactly what nlohmann's compact dump() of the same
// values would be, keys sorted and invalid UTF-8 replaced (a name or text from a binary may hold
// any bytes), which is what every wreg-server has sent (tests/integration/wire_bodies_test.cpp).
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/api/package_document.h"
#include "common/result.h"

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
  // An object inside this one, named "<where> <name> <detail>" in messages (the detail quoted
  // when it comes from the input: `quote`). The name is put together only for a message, so
  // reading a long list costs no text per entry; this Fields must outlive the child.
  Fields child(const Json& object, std::string_view name, std::string_view detail = {},
               bool quote = false) const {
    return Fields(object, *this, name, detail, quote);
  }

  // The field's value, or null when it is absent or JSON null.
  const Json* find(const char* key) const;

  Result<std::string> string(const char* key) const;
  // The same, as a view into the parsed object (for a field only compared, never kept).
  Result<std::string_view> text(const char* key) const;
  Result<std::optional<std::string>> optional_string(const char* key) const;
  Result<std::uint64_t> unsigned_number(const char* key) const;
  Result<std::optional<std::uint64_t>> optional_unsigned_number(const char* key) const;
  Result<bool> boolean(const char* key) const;
  // `fallback` when absent.
  Result<bool> boolean(const char* key, bool fallback) const;
  Result<PackageName> package_name(const char* key) const {
    return parsed(key, PackageName::parse);
  }
  Result<Version> version(const char* key) const { return parsed(key, Version::parse); }
  Result<Digest> digest(const char* key) const { return parsed(key, Digest::parse); }
  // A string field read with `parse` (a domain type's own parser, whose message is kept).
  template <typename Parse>
  auto parsed(const char* key, Parse parse) const -> decltype(parse(std::string_view())) {
    auto text = string(key);
    if (!text) return std::move(text).error();
    auto value = parse(*text);
    if (!value) return bad(std::string("\"") + key + "\": " + value.error().message);
    return value;
  }
  Result<ReleaseKind> release_kind(const char* key) const;
  // The elements of an array field (empty when absent).
  Result<std::vector<const Json*>> array(const char* key) const;
  // An object field's members (empty when absent).
  Result<std::vector<std::pair<std::string, const Json*>>> object(const char* key) const;
  // A list of strings, each checked with `check` (which says why one is bad, or nothing).
  Result<std::vector<std::string>> strings(
      const char* key, std::optional<std::string> (*check)(std::string_view) = nullptr) const;
  // A list of interface names (`ns:pkg/item[@version]`), each checked, kept as written.
  Result<std::vector<std::string>> interface_names(const char* key) const;

  // The error for this object: "invalid <what> from the registry: <where> <why>".
  Error bad(const std::string& why) const;
  const char* what() const { return what_; }
  std::string where() const;

 private:
  Fields(const Json& object, const Fields& parent, std::string_view name, std::string_view detail,
         bool quote)
      : object_(object),
        what_(parent.what_),
        parent_(&parent),
        name_(name),
        detail_(detail),
        quote_(quote) {}

  const Json& object_;
  const char* what_;
  std::string where_;  // when there is no parent
  const Fields* parent_ = nullptr;
  std::string_view name_;
  std::string_view detail_;
  bool quote_ = false;
};

// "invalid <what> from the registry: <why>".
Error bad(const char* what, const std::string& why);

// Parses `text` as one JSON object. "not valid JSON" / "not a JSON object" otherwise.
Result<Json> parse_object(std::string_view text, const char* what);

// A whole document: `text` parsed as one JSON object, then `read(fields)` with the object named
// `where` in messages.
template <typename Read>
auto read_document(std::string_view text, const char* what, const char* where, Read read)
    -> decltype(read(std::declval<const Fields&>())) {
  auto json = parse_object(text, what);
  if (!json) return std::move(json).error();
  return read(Fields(*json, what, where));
}

// Compact JSON text, written as it goes. The caller gives a well-formed sequence (a key before
// each member's value); Members below keeps an object's keys sorted.
class Writer {
 public:
  Writer() { out_.reserve(1024); }
  Writer& begin_object();
  Writer& end_object();
  Writer& begin_array();
  Writer& end_array();
  Writer& key(std::string_view name);
  Writer& string(std::string_view text);
  Writer& number(std::uint64_t value);
  Writer& boolean(bool value);
  Writer& null();
  // An array of strings.
  Writer& strings(const std::vector<std::string>& texts);
  std::string take() { return std::move(out_); }

 private:
  void before_value();
  void quoted(std::string_view text);

  std::string out_;
  bool first_ = true;       // nothing written yet in the innermost array or object
  bool after_key_ = false;  // a key was written; its value comes next
};

// An object's members, each a key and what writes its value, written in key order (as nlohmann
// keeps them) whatever order they were added in. Added writers must outlive write().
class Members {
 public:
  using Value = std::function<void(Writer&)>;
  Members& add(std::string_view key, Value value);
  void write(Writer& out);

 private:
  std::vector<std::pair<std::string_view, Value>> members_;
};

// The summary fields of a release (version, digest, size, kind, yanked, published,
// dependencies), as in a package document's `versions` and in a release document.
Result<ReleaseSummary> read_summary(const Fields& fields);
void add_summary(const ReleaseSummary& summary, Members& members);

}  // namespace wreg::api::json
