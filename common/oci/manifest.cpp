#include "common/oci/manifest.h"

#include <nlohmann/json.hpp>

#include "common/text.h"

namespace wreg::oci {

namespace {

using Json = nlohmann::json;
using Ordered = nlohmann::ordered_json;

Error invalid(const char* what, const std::string& why) {
  return fail(wreg::ErrorCode::kInvalidArgument, std::string("invalid ") + what + ": " + why);
}

Result<Json> parse_object(std::string_view bytes, const char* what) {
  Json json = Json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return invalid(what, "not valid JSON");
  if (!json.is_object()) return invalid(what, "not a JSON object");
  return json;
}

// A string field; nullopt when absent or null. `bad` says what is wrong otherwise.
std::optional<std::string> optional_string(const Json& object, const char* key, bool& bad) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) {
    bad = true;
    return std::nullopt;
  }
  return it->get<std::string>();
}

Result<std::string> required_string(const Json& object, const char* key, const char* what,
                                    const std::string& where) {
  bool bad = false;
  auto value = optional_string(object, key, bad);
  if (bad || !value) return invalid(what, where + "\"" + key + "\" must be a string");
  return std::move(*value);
}

Result<std::map<std::string, std::string>> annotations_of(const Json& object, const char* what,
                                                          const std::string& where) {
  std::map<std::string, std::string> out;
  auto it = object.find("annotations");
  if (it == object.end() || it->is_null()) return out;
  if (!it->is_object()) return invalid(what, where + "\"annotations\" must be an object");
  for (const auto& [key, value] : it->items()) {
    if (!value.is_string()) {
      return invalid(what, where + "annotation " + wreg::quoted(key) + " must be a string");
    }
    out[key] = value.get<std::string>();
  }
  return out;
}

Result<Descriptor> descriptor_of(const Json& json, const char* what, const std::string& where) {
  if (!json.is_object()) return invalid(what, where + "must be an object");
  Descriptor out;
  auto media_type = required_string(json, "mediaType", what, where);
  if (!media_type) return std::move(media_type).error();
  out.media_type = std::move(*media_type);
  auto digest = required_string(json, "digest", what, where);
  if (!digest) return std::move(digest).error();
  if (!looks_like_digest(*digest)) {
    return invalid(
        what, where + "digest " + wreg::quoted(*digest) + " is not of the form algorithm:encoded");
  }
  out.digest_text = std::move(*digest);
  if (auto parsed = Digest::parse(out.digest_text)) out.digest = *parsed;
  auto size = json.find("size");
  if (size == json.end() || !size->is_number_unsigned()) {
    return invalid(what, where + "\"size\" must be a whole number");
  }
  out.size = size->get<std::uint64_t>();
  bool bad = false;
  out.artifact_type = optional_string(json, "artifactType", bad);
  if (bad) return invalid(what, where + "\"artifactType\" must be a string");
  auto annotations = annotations_of(json, what, where);
  if (!annotations) return std::move(annotations).error();
  out.annotations = std::move(*annotations);
  return out;
}

Ordered descriptor_json(const Descriptor& descriptor) {
  Ordered out;
  out["mediaType"] = descriptor.media_type;
  if (descriptor.artifact_type) out["artifactType"] = *descriptor.artifact_type;
  out["digest"] = descriptor.digest_text;
  out["size"] = descriptor.size;
  if (!descriptor.annotations.empty()) out["annotations"] = descriptor.annotations;
  return out;
}

std::string dump(const Ordered& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

Result<std::vector<std::string>> strings_of(const Json& object, const char* key, const char* what,
                                            bool required) {
  std::vector<std::string> out;
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    if (required) return invalid(what, std::string("\"") + key + "\" must be an array of strings");
    return out;
  }
  if (!it->is_array()) {
    return invalid(what, std::string("\"") + key + "\" must be an array of strings");
  }
  for (const auto& item : *it) {
    if (!item.is_string()) {
      return invalid(what, std::string("\"") + key + "\" must be an array of strings");
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace

bool is_valid_tag(std::string_view text) {
  if (text.empty() || text.size() > 128) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool word =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!word && (i == 0 || (c != '.' && c != '-'))) return false;
  }
  return true;
}

bool looks_like_digest(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) return false;
  const std::string_view algorithm = text.substr(0, colon);
  bool after_separator = true;
  for (const char c : algorithm) {
    if (is_lower_alnum(c)) {
      after_separator = false;
    } else if ((c == '+' || c == '.' || c == '_' || c == '-') && !after_separator) {
      after_separator = true;
    } else {
      return false;
    }
  }
  if (after_separator) return false;
  for (const char c : text.substr(colon + 1)) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '=' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Result<Digest> parse_digest(std::string_view text) {
  if (!looks_like_digest(text)) {
    return fail(wreg::ErrorCode::kInvalidArgument,
                "the digest " + wreg::quoted(text) +
                    " is not of the form algorithm:encoded; use sha256:<64 lowercase hex>");
  }
  if (text.substr(0, text.find(':')) != "sha256") {
    return fail(wreg::ErrorCode::kInvalidArgument,
                "the digest " + wreg::quoted(text) +
                    " uses an algorithm wreg does not store; use sha256:<64 lowercase hex>");
  }
  return Digest::parse(text);
}

Result<ImageManifest> read_manifest(std::string_view bytes) {
  constexpr const char* kWhat = "manifest";
  auto json = parse_object(bytes, kWhat);
  if (!json) return std::move(json).error();
  ImageManifest out;
  auto version = json->find("schemaVersion");
  if (version == json->end() || !version->is_number_integer() ||
      version->get<std::int64_t>() != 2) {
    return invalid(kWhat, "\"schemaVersion\" must be 2");
  }
  bool bad = false;
  out.media_type = optional_string(*json, "mediaType", bad).value_or("");
  if (bad) return invalid(kWhat, "\"mediaType\" must be a string");
  out.artifact_type = optional_string(*json, "artifactType", bad);
  if (bad) return invalid(kWhat, "\"artifactType\" must be a string");
  auto config = json->find("config");
  if (config == json->end()) return invalid(kWhat, "it has no \"config\" descriptor");
  auto config_descriptor = descriptor_of(*config, kWhat, "the config: ");
  if (!config_descriptor) return std::move(config_descriptor).error();
  out.config = std::move(*config_descriptor);
  auto layers = json->find("layers");
  if (layers == json->end() || !layers->is_array()) {
    return invalid(kWhat, "\"layers\" must be an array of descriptors");
  }
  for (std::size_t i = 0; i < layers->size(); ++i) {
    auto layer = descriptor_of((*layers)[i], kWhat, "layer " + std::to_string(i) + ": ");
    if (!layer) return std::move(layer).error();
    out.layers.push_back(std::move(*layer));
  }
  if (auto subject = json->find("subject"); subject != json->end() && !subject->is_null()) {
    auto descriptor = descriptor_of(*subject, kWhat, "the subject: ");
    if (!descriptor) return std::move(descriptor).error();
    out.subject = std::move(*descriptor);
  }
  auto annotations = annotations_of(*json, kWhat, "");
  if (!annotations) return std::move(annotations).error();
  out.annotations = std::move(*annotations);
  return out;
}

std::string write_manifest(const ImageManifest& manifest) {
  Ordered out;
  out["schemaVersion"] = manifest.schema_version;
  if (!manifest.media_type.empty()) out["mediaType"] = manifest.media_type;
  if (manifest.artifact_type) out["artifactType"] = *manifest.artifact_type;
  out["config"] = descriptor_json(manifest.config);
  out["layers"] = Ordered::array();
  for (const auto& layer : manifest.layers) out["layers"].push_back(descriptor_json(layer));
  if (manifest.subject) out["subject"] = descriptor_json(*manifest.subject);
  if (!manifest.annotations.empty()) out["annotations"] = manifest.annotations;
  return dump(out);
}

Result<WasmConfig> read_wasm_config(std::string_view bytes) {
  constexpr const char* kWhat = "Wasm config";
  auto json = parse_object(bytes, kWhat);
  if (!json) return std::move(json).error();
  WasmConfig out;
  for (auto [key, field] :
       {std::pair{"created", &out.created}, std::pair{"architecture", &out.architecture},
        std::pair{"os", &out.os}}) {
    auto value = required_string(*json, key, kWhat, "");
    if (!value) return std::move(value).error();
    *field = std::move(*value);
  }
  bool bad = false;
  out.author = optional_string(*json, "author", bad);
  if (bad) return invalid(kWhat, "\"author\" must be a string");
  auto layers = strings_of(*json, "layerDigests", kWhat, true);
  if (!layers) return std::move(layers).error();
  out.layer_digests = std::move(*layers);
  if (auto component = json->find("component"); component != json->end() && !component->is_null()) {
    if (!component->is_object()) return invalid(kWhat, "\"component\" must be an object");
    WasmComponent value;
    auto exports = strings_of(*component, "exports", kWhat, false);
    if (!exports) return std::move(exports).error();
    auto imports = strings_of(*component, "imports", kWhat, false);
    if (!imports) return std::move(imports).error();
    value.exports = std::move(*exports);
    value.imports = std::move(*imports);
    value.target = optional_string(*component, "target", bad);
    if (bad) return invalid(kWhat, "\"component.target\" must be a string");
    out.component = std::move(value);
  }
  return out;
}

std::string write_wasm_config(const WasmConfig& config) {
  Ordered out;
  out["created"] = config.created;
  out["author"] = config.author ? Ordered(*config.author) : Ordered(nullptr);
  out["architecture"] = config.architecture;
  out["os"] = config.os;
  out["layerDigests"] = config.layer_digests;
  if (config.component) {
    Ordered component;
    component["exports"] = config.component->exports;
    component["imports"] = config.component->imports;
    component["target"] =
        config.component->target ? Ordered(*config.component->target) : Ordered(nullptr);
    out["component"] = std::move(component);
  } else {
    out["component"] = nullptr;
  }
  return dump(out);
}

std::string write_index(const std::vector<Descriptor>& manifests) {
  Ordered out;
  out["schemaVersion"] = 2;
  out["mediaType"] = kImageIndexType;
  out["manifests"] = Ordered::array();
  for (const auto& manifest : manifests) out["manifests"].push_back(descriptor_json(manifest));
  return dump(out);
}

const char* code_name(Code code) {
  switch (code) {
    case Code::kBlobUnknown:
      return "BLOB_UNKNOWN";
    case Code::kBlobUploadInvalid:
      return "BLOB_UPLOAD_INVALID";
    case Code::kBlobUploadUnknown:
      return "BLOB_UPLOAD_UNKNOWN";
    case Code::kDigestInvalid:
      return "DIGEST_INVALID";
    case Code::kManifestBlobUnknown:
      return "MANIFEST_BLOB_UNKNOWN";
    case Code::kManifestInvalid:
      return "MANIFEST_INVALID";
    case Code::kManifestUnknown:
      return "MANIFEST_UNKNOWN";
    case Code::kNameInvalid:
      return "NAME_INVALID";
    case Code::kNameUnknown:
      return "NAME_UNKNOWN";
    case Code::kSizeInvalid:
      return "SIZE_INVALID";
    case Code::kUnauthorized:
      return "UNAUTHORIZED";
    case Code::kDenied:
      return "DENIED";
    case Code::kUnsupported:
      return "UNSUPPORTED";
    case Code::kTooManyRequests:
      return "TOOMANYREQUESTS";
    case Code::kUnknown:
      return "UNKNOWN";
  }
  return "UNSUPPORTED";
}

std::string write_error(Code code, std::string_view message) {
  Ordered error;
  error["code"] = code_name(code);
  error["message"] = std::string(message);
  Ordered out;
  out["errors"] = Ordered::array({error});
  return dump(out);
}

Result<ErrorBody> read_error(std::string_view bytes) {
  constexpr const char* kWhat = "OCI error body";
  auto json = parse_object(bytes, kWhat);
  if (!json) return std::move(json).error();
  auto errors = json->find("errors");
  if (errors == json->end() || !errors->is_array() || errors->empty() ||
      !(*errors)[0].is_object()) {
    return invalid(kWhat, "\"errors\" must be a non-empty array of objects");
  }
  auto code = required_string((*errors)[0], "code", kWhat, "errors[0]: ");
  if (!code) return std::move(code).error();
  bool bad = false;
  auto message = optional_string((*errors)[0], "message", bad);
  if (bad) return invalid(kWhat, "errors[0]: \"message\" must be a string");
  return ErrorBody{std::move(*code), message.value_or("")};
}

}  // namespace wreg::oci
