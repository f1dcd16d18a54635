// Resolver benchmark (issue 4): resolve time and peak memory on synthetic registries.
//
//   wreg-resolver-bench [--seeds N] [--repeat N] [--scenario NAME] [--explain]
//
// Prints one line per run: scenario, seed, outcome, packages chosen (or facts in the
// explanation), resolve time (the fastest of --repeat runs), the heap the solver itself used at
// its peak (counted by the operator new below), and the process's peak RSS, which includes the
// synthetic registry. Not a test: it asserts nothing.
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "bench/resolver_registry.h"
#include "common/resolve/explain.h"

// Live heap bytes, counted by the replaced global operator new/delete below, so that the
// solver's own memory shows apart from the synthetic registry's.
namespace {
std::atomic<std::size_t> live_bytes{0};
std::atomic<std::size_t> peak_bytes{0};

void* counted_alloc(std::size_t size) {
  // A size header in front of each block, kept 16-byte aligned.
  void* block = std::malloc(size + 16);
  if (block == nullptr) throw std::bad_alloc();
  *static_cast<std::size_t*>(block) = size;
  std::size_t now = live_bytes.fetch_add(size) + size;
  std::size_t peak = peak_bytes.load();
  while (now > peak && !peak_bytes.compare_exchange_weak(peak, now)) {
  }
  return static_cast<char*>(block) + 16;
}

void counted_free(void* pointer) {
  if (pointer == nullptr) return;
  void* block = static_cast<char*>(pointer) - 16;
  live_bytes.fetch_sub(*static_cast<std::size_t*>(block));
  std::free(block);
}
}  // namespace

// Every form that the standard library pairs with these deletes must be counted too
// (std::stable_sort's buffer comes from the nothrow form).
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return counted_alloc(size);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return counted_alloc(size);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void operator delete(void* pointer, const std::nothrow_t&) noexcept { counted_free(pointer); }
void operator delete[](void* pointer, const std::nothrow_t&) noexcept { counted_free(pointer); }
void* operator new(std::size_t size) { return counted_alloc(size); }
void* operator new[](std::size_t size) { return counted_alloc(size); }
void operator delete(void* pointer) noexcept { counted_free(pointer); }
void operator delete[](void* pointer) noexcept { counted_free(pointer); }
void operator delete(void* pointer, std::size_t) noexcept { counted_free(pointer); }
void operator delete[](void* pointer, std::size_t) noexcept { counted_free(pointer); }

namespace {

double cpu_ms() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;  // KiB on Linux
}

struct Timing {
  double ms;   // wall clock
  double cpu;  // this process's CPU time: what the solve costs when it has a core to itself
  std::string outcome;
  double solver_mib;  // peak heap the solve added on top of what was live before it
};

int repeat = 1;

// Solves `repeat` times and keeps the fastest run (the others only warm caches).
Timing run(const wreg::bench::Scenario& scenario, bool print_explanation) {
  std::size_t before = live_bytes.load();
  peak_bytes.store(before);
  double best = 0;
  double best_cpu = 0;
  std::optional<wreg::resolve::SolveOutcome> kept;
  for (int i = 0; i < repeat; ++i) {
    double cpu_start = cpu_ms();
    auto start = std::chrono::steady_clock::now();
    auto outcome = wreg::resolve::solve(scenario.request, scenario.source);
    auto stop = std::chrono::steady_clock::now();
    double cpu = cpu_ms() - cpu_start;
    double ms = std::chrono::duration<double, std::milli>(stop - start).count();
    if (i == 0 || ms < best) best = ms;
    if (i == 0 || cpu < best_cpu) best_cpu = cpu;
    if (i == 0) kept = std::move(outcome);
  }
  const auto& outcome = *kept;
  Timing timing{best, best_cpu, "",
                static_cast<double>(peak_bytes.load() - before) / (1024.0 * 1024.0)};
  if (const auto* resolution = outcome.resolution()) {
    timing.outcome = "solved, " + std::to_string(resolution->packages.size()) + " packages";
  } else if (const auto* conflict = outcome.conflict()) {
    timing.outcome = "conflict, " + std::to_string(conflict->facts.size()) + " facts";
    if (print_explanation) {
      auto text = wreg::resolve::explain(*conflict);
      if (text.size() > 3000) text = text.substr(0, 3000) + "  ...\n";
      std::printf("%s", text.c_str());
    }
  } else {
    timing.outcome = "needs documents";
  }
  return timing;
}

void report(const wreg::bench::Scenario& scenario, std::uint64_t seed, const Timing& timing) {
  std::printf(
      "%-13s seed %-3llu %-26s %8.1f ms wall %8.1f ms cpu   solver heap %5.1f MiB   "
      "peak RSS %5.1f MiB\n",
      scenario.name.c_str(), static_cast<unsigned long long>(seed), timing.outcome.c_str(),
      timing.ms, timing.cpu, timing.solver_mib, static_cast<double>(peak_rss_kib()) / 1024.0);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  int seeds = 5;
  std::string only;
  bool explain = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--seeds" && i + 1 < argc) {
      seeds = std::atoi(argv[++i]);
    } else if (arg == "--scenario" && i + 1 < argc) {
      only = argv[++i];
    } else if (arg == "--repeat" && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--explain") {
      explain = true;
    } else {
      std::fprintf(
          stderr,
          "usage: wreg-resolver-bench [--seeds N] [--repeat N] [--scenario NAME] [--explain]\n"
          "  NAME: typical, pinned-hub, deep-retreat, unsat-fan, pigeonhole, tight-random,\n"
          "        whole-registry\n");
      return 2;
    }
  }
  auto wanted = [&](const std::string& name) { return only.empty() || only == name; };

  if (wanted("typical")) {
    std::vector<double> times;
    for (int seed = 1; seed <= seeds; ++seed) {
      auto scenario = wreg::bench::typical(static_cast<std::uint64_t>(seed));
      if (seed == 1) {
        std::printf("typical: %s; registry built, peak RSS %.1f MiB\n",
                    scenario.description.c_str(), static_cast<double>(peak_rss_kib()) / 1024.0);
      }
      auto timing = run(scenario, explain);
      times.push_back(timing.cpu);
      report(scenario, static_cast<std::uint64_t>(seed), timing);
    }
    std::sort(times.begin(), times.end());
    std::printf("typical: median %.1f ms cpu, max %.1f ms cpu over %zu seeds\n",
                times[times.size() / 2], times.back(), times.size());
  }
  for (const char* name : {"pinned-hub", "deep-retreat", "unsat-fan", "pigeonhole", "tight-random",
                           "whole-registry"}) {
    if (!wanted(name)) continue;
    int runs = std::string(name) == "tight-random" ? seeds : 1;  // the others are fixed shapes
    for (int seed = 1; seed <= runs; ++seed) {
      auto scenario = wreg::bench::adversarial(name, static_cast<std::uint64_t>(seed));
      report(scenario, static_cast<std::uint64_t>(seed), run(scenario, explain));
    }
  }
  return 0;
}
