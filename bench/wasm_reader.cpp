// Throughput and peak memory of the component reader on one file (bench/wasm_reader.sh builds
// and runs it). The file is memory-mapped as wreg-server and wreg map it, then read again and
// again for at least --seconds; it prints MB/s over the file's size and the process's peak
// resident set, which shows whether the reader touched (paged in) the module bodies it skips.
#include <sys/resource.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>

#include "common/mapped_file.h"
#include "common/wasm/reader.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: wasm_reader FILE [SECONDS]\n";
    return 2;
  }
  const double seconds = argc > 2 ? std::atof(argv[2]) : 3.0;
  auto file = wreg::MappedFile::open(argv[1]);
  if (!file) {
    std::cerr << "error: " << file.error().message << '\n';
    return 1;
  }
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  std::uint64_t runs = 0;
  std::chrono::duration<double> elapsed{};
  std::size_t imports = 0;
  do {
    auto info = wreg::wasm::read_component(file->bytes());
    if (!info) {
      std::cerr << "error: " << info.error().message << '\n';
      return 1;
    }
    imports = info->imports.size();
    ++runs;
    elapsed = Clock::now() - start;
  } while (elapsed.count() < seconds);

  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double megabytes = static_cast<double>(file->size()) * runs / 1e6;
  std::cout << "file:       " << argv[1] << " (" << file->size() << " bytes, " << imports
            << " imports)\n"
            << "runs:       " << runs << " in " << elapsed.count() << " s ("
            << elapsed.count() / runs * 1e6 << " us per read)\n"
            << "throughput: " << megabytes / elapsed.count() << " MB/s\n"
            << "peak RSS:   " << usage.ru_maxrss / 1024.0 << " MiB\n";
  return 0;
}
