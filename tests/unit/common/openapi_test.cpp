// schema/openapi.yaml agrees with the wire types (common/api): every `example` in it (and every
// value of an `examples` map) is read with the type its place names and must be exactly what
// that type's writer writes, and every JSON body example is checked against its schema (each key
// it has is a declared property, each required property is there).
//
// The file is read with libyaml (Debian's libyaml-dev, a test-only dependency installed by
// deploy/install-deps.sh --test): an example's type follows from where it stands in the tree
// (the `$ref` of the schema beside it, or the schema or parameter it belongs to), which a real
// parser gives for free and a line scanner would have to guess.
#include <gtest/gtest.h>
#include <yaml.h>

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "common/api/answers.h"
#include "common/api/package_document.h"
#include "common/api/release_document.h"
#include "common/api/search_page.h"
#include "common/digest.h"
#include "common/package_name.h"
#include "common/version.h"
#include "common/version_req.h"
#include "common/wasm/extern_name.h"
#include "tests/support/fixtures.h"

namespace wreg {
namespace {

using Json = nlohmann::json;

// A plain (unquoted) YAML scalar as YAML's core schema reads it; quoted ones are strings.
Json plain_scalar(const std::string& text) {
  if (text.empty() || text == "null" || text == "~") return nullptr;
  if (text == "true") return true;
  if (text == "false") return false;
  static const std::regex kInteger("-?(0|[1-9][0-9]*)");
  if (std::regex_match(text, kInteger)) {
    return text[0] == '-' ? Json(std::stoll(text)) : Json(std::stoull(text));
  }
  return text;
}

Json to_json(yaml_document_t& document, yaml_node_t* node) {
  switch (node->type) {
    case YAML_SCALAR_NODE: {
      std::string text(reinterpret_cast<const char*>(node->data.scalar.value),
                       node->data.scalar.length);
      if (node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) return plain_scalar(text);
      return text;
    }
    case YAML_SEQUENCE_NODE: {
      Json out = Json::array();
      for (auto* item = node->data.sequence.items.start; item < node->data.sequence.items.top;
           ++item) {
        out.push_back(to_json(document, yaml_document_get_node(&document, *item)));
      }
      return out;
    }
    case YAML_MAPPING_NODE: {
      Json out = Json::object();
      for (auto* pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top;
           ++pair) {
        Json key = to_json(document, yaml_document_get_node(&document, pair->key));
        out[key.is_string() ? key.get<std::string>() : key.dump()] =
            to_json(document, yaml_document_get_node(&document, pair->value));
      }
      return out;
    }
    default:
      return nullptr;
  }
}

// The whole file as JSON values; a parse error fails the test.
Json load_openapi() {
  const std::string bytes = testing::file_bytes(WREG_OPENAPI);
  EXPECT_FALSE(bytes.empty()) << "cannot read " << WREG_OPENAPI;
  yaml_parser_t parser;
  yaml_parser_initialize(&parser);
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(bytes.data()),
                               bytes.size());
  yaml_document_t document;
  Json out;
  if (yaml_parser_load(&parser, &document) == 0) {
    ADD_FAILURE() << WREG_OPENAPI << " is not YAML: " << (parser.problem ? parser.problem : "?")
                  << " at line " << parser.problem_mark.line + 1;
  } else {
    if (yaml_node_t* root = yaml_document_get_root_node(&document)) {
      out = to_json(document, root);
    }
    yaml_document_delete(&document);
  }
  yaml_parser_delete(&parser);
  return out;
}

// Reads an example with a wire type and writes it again: nothing when that gives the example's
// own compact text, else what went wrong.
template <typename Parse>
std::string rewritten(const Json& example, Parse parse) {
  const std::string text = example.dump();
  auto value = parse(text);
  if (!value) return value.error().message;
  const std::string again = api::to_json(*value);
  return again == text ? "" : "the type writes it as " + again;
}

// A scalar example checked with a domain parser: nothing, or why it is refused.
template <typename Parse>
std::string parsed(const Json& example, Parse parse) {
  if (!example.is_string()) return "not a string";
  auto value = parse(example.get<std::string>());
  return value ? "" : value.error().message;
}

using Check = std::function<std::string(const Json&)>;

// Where an example may stand, and how it is checked.
const std::map<std::string, Check>& checks() {
  static const std::map<std::string, Check> table{
      {"PackageDocument", [](const Json& e) { return rewritten(e, api::parse_package_document); }},
      {"Release", [](const Json& e) { return rewritten(e, api::parse_release_document); }},
      {"SearchPage", [](const Json& e) { return rewritten(e, api::parse_search_page); }},
      {"Published", [](const Json& e) { return rewritten(e, api::parse_published); }},
      {"YankState", [](const Json& e) { return rewritten(e, api::parse_yank_state); }},
      {"Error", [](const Json& e) { return rewritten(e, api::parse_error_body); }},
      {"Health", [](const Json& e) { return rewritten(e, api::parse_health); }},
      {"Whoami", [](const Json& e) { return rewritten(e, api::parse_whoami); }},
      {"ReleaseProof", [](const Json& e) { return rewritten(e, api::parse_release_proof); }},
      {"Dependency.name", [](const Json& e) { return parsed(e, PackageName::parse); }},
      {"Dependency.requirement", [](const Json& e) { return parsed(e, VersionReq::parse); }},
      {"Extern.name",
       [](const Json& e) {
         return parsed(e,
                       [](std::string_view text) { return wasm::parse_interface_name(text, ""); });
       }},
      {"parameter exports",
       [](const Json& e) {
         return parsed(e,
                       [](std::string_view text) { return wasm::parse_interface_name(text, ""); });
       }},
      {"parameter imports",
       [](const Json& e) {
         return parsed(e,
                       [](std::string_view text) { return wasm::parse_interface_name(text, ""); });
       }},
      {"parameter Digest-Sha256", [](const Json& e) { return parsed(e, Digest::parse); }},
      {"parameter version", [](const Json& e) { return parsed(e, Version::parse); }},
      {"parameter ns",
       [](const Json& e) {
         return parsed(e, [](std::string_view text) { return check_label(text, "namespace"); });
       }},
      {"parameter namespace",
       [](const Json& e) {
         return parsed(e, [](std::string_view text) { return check_label(text, "namespace"); });
       }},
      {"parameter name",
       [](const Json& e) {
         return parsed(e, [](std::string_view text) { return check_label(text, "name"); });
       }},
      // server/api/blobs.cpp reads it; the examples show one range.
      {"parameter Range", [](const Json& e) {
         static const std::regex kRange("bytes=([0-9]+-[0-9]*|-[0-9]+)");
         return e.is_string() && std::regex_match(e.get<std::string>(), kRange)
                    ? std::string()
                    : std::string("not a single byte range");
       }}};
  return table;
}

struct Example {
  std::string pointer;  // where it stands, for messages: /paths/~1healthz/get/...
  std::string type;     // a key of checks(), or "" when its place names none
  Json value;
};

std::string schema_name_of(const Json& schema) {
  if (!schema.is_object() || !schema.contains("$ref")) return "";
  const std::string ref = schema["$ref"];
  const std::string prefix = "#/components/schemas/";
  return ref.starts_with(prefix) ? ref.substr(prefix.size()) : "";
}

// The type an example of `owner` (the object holding `example` or `examples`) is of.
// `path` is the keys from the root to `owner`; `parent` the object holding `owner`.
std::string type_of(const std::vector<std::string>& path, const Json& owner, const Json* parent) {
  // A media type or a parameter beside its schema.
  if (owner.contains("schema")) {
    if (auto name = schema_name_of(owner["schema"]); !name.empty()) return name;
  }
  const std::size_t n = path.size();
  // A schema of components/schemas, or one of its properties.
  if (n == 3 && path[0] == "components" && path[1] == "schemas") return path[2];
  if (n == 5 && path[0] == "components" && path[1] == "schemas" && path[3] == "properties") {
    return path[2] + "." + path[4];
  }
  // The schema of a parameter.
  if (n >= 1 && path[n - 1] == "schema" && parent != nullptr && parent->contains("name") &&
      parent->contains("in")) {
    return "parameter " + (*parent)["name"].get<std::string>();
  }
  return "";
}

std::string escape_pointer(const std::string& key) {
  std::string out;
  for (char c : key) out += c == '/' ? "~1" : c == '~' ? "~0" : std::string(1, c);
  return out;
}

void collect(const Json& root, const Json& node, std::vector<std::string>& path, const Json* parent,
             std::vector<Example>& out) {
  auto pointer = [&path] {
    std::string text;
    for (const auto& key : path) text += "/" + escape_pointer(key);
    return text;
  };
  if (node.is_array()) {
    for (std::size_t i = 0; i < node.size(); ++i) {
      path.push_back(std::to_string(i));
      collect(root, node[i], path, &node, out);
      path.pop_back();
    }
    return;
  }
  if (!node.is_object()) return;
  if (node.contains("example")) {
    out.push_back({pointer() + "/example", type_of(path, node, parent), node["example"]});
  }
  if (node.contains("examples") && node["examples"].is_object()) {
    for (const auto& [name, entry] : node["examples"].items()) {
      Json value = entry.value("value", Json());
      if (entry.contains("$ref")) {
        value = root[Json::json_pointer(entry["$ref"].get<std::string>().substr(1))]["value"];
      }
      out.push_back({pointer() + "/examples/" + name, type_of(path, node, parent), value});
    }
  }
  for (const auto& [key, child] : node.items()) {
    if (key == "example" || key == "examples") continue;
    path.push_back(key);
    collect(root, child, path, &node, out);
    path.pop_back();
  }
}

std::vector<Example> examples_of(const Json& root) {
  std::vector<Example> out;
  std::vector<std::string> path;
  collect(root, root, path, nullptr, out);
  return out;
}

// Checks `value` against `schema` (resolving $ref and allOf): every key of an object is a
// declared property (or additionalProperties allows it), every required one is there. Appends
// what disagrees to `problems`.
void check_schema(const Json& root, const Json& schema, const Json& value, const std::string& at,
                  std::vector<std::string>& problems) {
  if (schema.contains("$ref")) {
    const Json& target = root[Json::json_pointer(schema["$ref"].get<std::string>().substr(1))];
    return check_schema(root, target, value, at, problems);
  }
  if (schema.contains("allOf")) {
    // The members' properties and requirements together.
    Json merged = {{"type", "object"}, {"properties", Json::object()}, {"required", Json::array()}};
    for (Json member : schema["allOf"]) {
      while (member.contains("$ref")) {
        member = root[Json::json_pointer(member["$ref"].get<std::string>().substr(1))];
      }
      if (member.contains("properties")) {
        for (const auto& [key, property] : member["properties"].items()) {
          merged["properties"][key] = property;
        }
      }
      if (member.contains("required")) {
        for (const auto& key : member["required"]) merged["required"].push_back(key);
      }
    }
    return check_schema(root, merged, value, at, problems);
  }
  if (value.is_object()) {
    static const Json kNone = Json::object();
    const Json& properties = schema.contains("properties") ? schema["properties"] : kNone;
    for (const auto& [key, member] : value.items()) {
      if (properties.contains(key)) {
        check_schema(root, properties[key], member, at + "/" + key, problems);
      } else if (schema.contains("additionalProperties") &&
                 schema["additionalProperties"].is_object()) {
        check_schema(root, schema["additionalProperties"], member, at + "/" + key, problems);
      } else {
        problems.push_back(at + ": \"" + key + "\" is not a property of the schema");
      }
    }
    if (schema.contains("required")) {
      for (const auto& key : schema["required"]) {
        if (!value.contains(key.get<std::string>())) {
          problems.push_back(at + ": required \"" + key.get<std::string>() + "\" is missing");
        }
      }
    }
  } else if (value.is_array() && schema.contains("items")) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      check_schema(root, schema["items"], value[i], at + "/" + std::to_string(i), problems);
    }
  }
}

TEST(OpenApiTest, EveryExampleReadsWithItsWireTypeAndIsWhatItWrites) {
  const Json root = load_openapi();
  ASSERT_TRUE(root.is_object());
  const auto examples = examples_of(root);
  std::set<std::string> types_seen;
  for (const auto& example : examples) {
    auto check = checks().find(example.type);
    if (check == checks().end()) {
      ADD_FAILURE() << example.pointer << ": no check for an example of "
                    << (example.type.empty() ? "this place" : example.type)
                    << "; add one to checks()";
      continue;
    }
    types_seen.insert(example.type);
    EXPECT_EQ(check->second(example.value), "") << example.pointer << ": " << example.value;
  }
  // Every body of the API has at least one example.
  for (const char* type : {"PackageDocument", "Release", "SearchPage", "Published", "YankState",
                           "Error", "Health", "Whoami", "ReleaseProof"}) {
    EXPECT_TRUE(types_seen.count(type)) << "no example of " << type;
  }
}

TEST(OpenApiTest, EveryBodyExampleHasExactlyTheFieldsItsSchemaDeclares) {
  const Json root = load_openapi();
  ASSERT_TRUE(root.is_object());
  std::size_t bodies = 0;
  for (const auto& example : examples_of(root)) {
    if (!root["components"]["schemas"].contains(example.type) || !example.value.is_object()) {
      continue;
    }
    ++bodies;
    std::vector<std::string> problems;
    check_schema(root, root["components"]["schemas"][example.type], example.value, example.pointer,
                 problems);
    for (const auto& problem : problems) ADD_FAILURE() << problem;
  }
  EXPECT_GE(bodies, 10u);
}

TEST(OpenApiTest, TheCheckNoticesAnExampleThatDisagrees) {
  // The same checks as above, on examples made wrong on purpose.
  const Json root = load_openapi();
  Json yank = {{"name", "pin:proxy"}, {"version", "1.0.0"}};
  EXPECT_NE(checks().at("YankState")(yank), "");
  yank["yanked"] = true;
  EXPECT_EQ(checks().at("YankState")(yank), "");
  yank["extra"] = 1;
  EXPECT_NE(checks().at("YankState")(yank), "");  // not what the writer writes
  std::vector<std::string> problems;
  check_schema(root, root["components"]["schemas"]["YankState"], yank, "yank", problems);
  EXPECT_EQ(problems,
            (std::vector<std::string>{"yank: \"extra\" is not a property of the schema"}));
  EXPECT_NE(checks().at("Dependency.requirement")(Json(">>1")), "");
}

}  // namespace
}  // namespace wreg
