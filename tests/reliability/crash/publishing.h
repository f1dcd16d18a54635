// What the crash and fault tests share: a registry on a temp data dir with one namespace and a
// token for it, distinct valid components to publish, and a publish over real HTTP.
#pragma once

#include <cstdint>
#include <filesystem>
#include <random>
#include <string>

#include "tests/integration/http_client.h"
#include "tests/integration/server_process.h"
#include "tests/support/registry_tampering.h"

namespace wreg::testing {

// The fixture component every body is made from (tests/fixtures/components/http-proxy.wasm).
std::string base_component();

// `component` with a custom section `wreg-test` appended holding `tag` and `padding` random
// bytes: still a valid component (custom sections may appear anywhere), with its own digest.
std::string component_variant(const std::string& component, const std::string& tag,
                              std::size_t padding, std::mt19937_64& random);

// `sha256:<hex>` of `bytes`.
std::string digest_of(const std::string& bytes);

// Creates namespace `ns` in `data` and returns a publish token for it ("" on failure, with the
// admin command's stderr in `error`).
std::string prepare_registry(const std::filesystem::path& data, const std::string& ns,
                             std::string& error);

// The request line and headers of `PUT /api/v1/packages/{ns}/{name}/{version}` for `body`,
// ending with the blank line: the caller sends the body (or part of it) after it.
std::string publish_head(const std::string& ns, const std::string& name, const std::string& version,
                         const std::string& token, const std::string& body,
                         bool with_digest_header);

// A whole publish on a new connection.
HttpResponse publish(std::uint16_t port, const std::string& ns, const std::string& name,
                     const std::string& version, const std::string& token, const std::string& body);

}  // namespace wreg::testing
