// The test fixtures (tests/fixtures/, described in its README.md): real binaries made by
// independent tools, and what those tools print for them. Every test binary that reads them is
// built with WREG_TEST_FIXTURES naming the folder; nothing else need know where it is.
#pragma once

#include <filesystem>
#include <string>

namespace wreg::testing {

// The fixture folder.
const std::filesystem::path& fixtures();

// The bytes of the fixture `relative` ("packages/wasi-io@0.2.8.wasm"). A fixture that cannot be
// read fails the running test (ADD_FAILURE) and reads as "".
std::string fixture_bytes(const std::filesystem::path& relative);

// The bytes of the file at `path`; "" when it cannot be read.
std::string file_bytes(const std::filesystem::path& path);

}  // namespace wreg::testing
