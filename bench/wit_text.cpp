// WIT text both ways, in process: for each WIT package given, the median time to print it
// (decode + print, what `wreg inspect --wit` does) and, when its source is given too, to build it
// again (parse + resolve + encode, what `wreg build` does), each beside the median time the
// component reader takes for the same binary in the same run (the reference: one pass over the
// bytes). Not a test: numbers depend on the machine.
//   wit_text RUNS FILE.wasm[=SOURCE.wit:WORLD] ...
#include "common/wit/wit_text.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "common/wasm/reader.h"
#include "common/wit/build.h"
#include "common/wit/parser.h"

namespace {

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

template <typename F>
double median_us(int runs, F&& run) {
  std::vector<double> times;
  for (int i = 0; i < runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    run();
    times.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
            .count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: wit_text RUNS FILE.wasm[=SOURCE.wit:WORLD] ...\n");
    return 2;
  }
  const int runs = std::max(1, std::atoi(argv[1]));
  std::printf("%-34s %9s %10s %10s %7s %11s %11s\n", "package", "bytes", "read us", "print us",
              "print/r", "build-w us", "build-p us");
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    std::string source, world;
    if (auto eq = arg.find('='); eq != std::string::npos) {
      const std::string rest = arg.substr(eq + 1);
      arg.resize(eq);
      const auto colon = rest.rfind(':');
      source = rest.substr(0, colon);
      world = colon == std::string::npos ? "" : rest.substr(colon + 1);
    }
    const std::string bytes = read(arg);
    const std::span span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    bool ok = true;
    const double read_us =
        median_us(runs, [&] { ok &= wreg::wasm::read_component(span).has_value(); });
    const double print_us = median_us(runs, [&] { ok &= wreg::wit::wit_text(span).has_value(); });
    double world_us = 0, package_us = 0;
    if (!source.empty()) {
      const std::string text = read(source);
      auto build = [&](const std::string& which) {
        auto file = wreg::wit::parse_file(source, text);
        ok &= file.has_value();
        if (file) ok &= wreg::wit::build({{&*file}}, {which, {}}).has_value();
      };
      world_us = median_us(runs, [&] { build(world); });
      package_us = median_us(runs, [&] { build(""); });
    }
    const std::string name = arg.substr(arg.rfind('/') + 1);
    std::printf("%-34s %9zu %10.1f %10.1f %7.1f %11.1f %11.1f%s\n", name.c_str(), bytes.size(),
                read_us, print_us, print_us / read_us, world_us, package_us,
                ok ? "" : "  (FAILED)");
  }
  return 0;
}
