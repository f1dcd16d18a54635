// HttpMetrics: what the server counts about requests, rendered in the Prometheus text format
// (prometheus.io/docs/instrumenting/exposition_formats) by GET /metrics.
//
// Requests are labelled by the route's pattern (`/api/v1/packages/{ns}/{name}`), never by the
// raw path, so hostile or numerous paths cannot grow the label set: requests that match no
// route share the label `unmatched`. Thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

namespace wreg::http {

class HttpMetrics {
 public:
  // Upper bounds of the latency histogram's buckets, in seconds.
  static constexpr std::array<double, 12> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,   0.25,   0.5,   1.0,  2.5,   10.0};

  void record(std::string_view route, std::string_view method, int status,
              std::chrono::steady_clock::duration duration, std::uint64_t bytes_in,
              std::uint64_t bytes_out);

  void connection_opened() { open_connections_.fetch_add(1); }
  void connection_closed() { open_connections_.fetch_sub(1); }
  void connection_refused() { refused_connections_.fetch_add(1); }
  std::int64_t open_connections() const { return open_connections_.load(); }

  // The metrics in the text exposition format, each family with HELP and TYPE lines.
  std::string render() const;

 private:
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> buckets{};  // non-cumulative counts
    std::uint64_t count = 0;
    double sum = 0;
  };

  // Orders (route, method, status) keys, held as strings or probed as string_views, through one
  // view type: clang 14 with libstdc++ 12 cannot compare tuples of different element types.
  struct RequestKeyLess {
    using is_transparent = void;
    using View = std::tuple<std::string_view, std::string_view, int>;
    template <typename Key>
    static View view(const Key& key) {
      return {std::get<0>(key), std::get<1>(key), std::get<2>(key)};
    }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return view(a) < view(b);
    }
  };

  mutable std::mutex mutex_;
  // (route, method, status) -> count; guarded by mutex_. Transparent comparators, so that
  // record() finds a key without building its strings.
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t, RequestKeyLess> requests_;
  std::map<std::string, Histogram, std::less<>> latency_;  // by route; guarded by mutex_
  std::uint64_t bytes_in_ = 0;                             // guarded by mutex_
  std::uint64_t bytes_out_ = 0;                            // guarded by mutex_
  std::atomic<std::int64_t> open_connections_{0};
  std::atomic<std::uint64_t> refused_connections_{0};
};

// A label value with `\`, `"` and newlines escaped, as the text format requires.
std::string prometheus_label(std::string_view value);

// Appends one metric without labels, with its HELP and TYPE lines: `value` is the sample's text.
void append_metric(std::string& out, std::string_view name, std::string_view type,
                   std::string_view help, std::string_view value);

}  // namespace wreg::http
