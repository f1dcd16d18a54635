// What the OCI integration tests read off the wire: digests of bytes, JSON bodies and OCI error
// bodies (`{"errors":[{"code":...,"message":...}]}`), computed independently of the server's
// code (OpenSSL for the digest, nlohmann_json for the bodies).
#pragma once

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tests/integration/http_client.h"

namespace wreg::testing {

// `sha256:<lowercase hex>` of `bytes`.
inline std::string sha256(const std::string& bytes) {
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EXPECT_EQ(EVP_Digest(bytes.data(), bytes.size(), hash, &size, EVP_sha256(), nullptr), 1);
  static const char* kHex = "0123456789abcdef";
  std::string out = "sha256:";
  for (unsigned int i = 0; i < size; ++i) {
    out += kHex[hash[i] >> 4];
    out += kHex[hash[i] & 0xf];
  }
  return out;
}

// The body as JSON; discarded (not an exception) when it is not JSON.
inline nlohmann::json json_of(const HttpResponse& response) {
  return nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
}

// The first OCI error's code and message; "" when the body is not an OCI error body.
inline std::string oci_error_field(const HttpResponse& response, const char* field) {
  nlohmann::json body = json_of(response);
  if (!body.is_object() || !body.contains("errors") || !body["errors"].is_array() ||
      body["errors"].empty() || !body["errors"][0].is_object() ||
      !body["errors"][0].contains(field) || !body["errors"][0][field].is_string()) {
    return "";
  }
  return body["errors"][0][field];
}
inline std::string oci_code(const HttpResponse& response) {
  return oci_error_field(response, "code");
}
inline std::string oci_message(const HttpResponse& response) {
  return oci_error_field(response, "message");
}

}  // namespace wreg::testing
