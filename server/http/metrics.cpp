#include "server/http/metrics.h"

#include <cstdio>

namespace wreg::http {

namespace {

std::string number(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

}  // namespace

std::string prometheus_label(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void append_metric(std::string& out, std::string_view name, std::string_view type,
                   std::string_view help, std::string_view value) {
  for (std::string_view part :
       {std::string_view("# HELP "), name, std::string_view(" "), help,
        std::string_view("\n# TYPE "), name, std::string_view(" "), type, std::string_view("\n"),
        name, std::string_view(" "), value, std::string_view("\n")}) {
    out += part;
  }
}

void HttpMetrics::record(std::string_view route, std::string_view method, int status,
                         std::chrono::steady_clock::duration duration, std::uint64_t bytes_in,
                         std::uint64_t bytes_out) {
  double seconds = std::chrono::duration<double>(duration).count();
  std::lock_guard lock(mutex_);
  auto counted = requests_.find(std::make_tuple(route, method, status));
  if (counted == requests_.end()) {
    counted = requests_.emplace(std::make_tuple(std::string(route), std::string(method), status), 0)
                  .first;
  }
  ++counted->second;
  auto found = latency_.find(route);
  if (found == latency_.end()) found = latency_.emplace(std::string(route), Histogram{}).first;
  auto& histogram = found->second;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++histogram.buckets[i];
      break;
    }
  }
  ++histogram.count;
  histogram.sum += seconds;
  bytes_in_ += bytes_in;
  bytes_out_ += bytes_out;
}

std::string HttpMetrics::render() const {
  std::string out;
  std::lock_guard lock(mutex_);
  out +=
      "# HELP wreg_http_requests_total HTTP requests answered, by route pattern, method and "
      "status.\n# TYPE wreg_http_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    const auto& [route, method, status] = key;
    out += "wreg_http_requests_total{route=\"" + prometheus_label(route) + "\",method=\"" +
           prometheus_label(method) + "\",status=\"" + std::to_string(status) + "\"} " +
           std::to_string(count) + "\n";
  }
  out +=
      "# HELP wreg_http_request_duration_seconds Time from the end of the request header to the "
      "end of the response, by route pattern.\n"
      "# TYPE wreg_http_request_duration_seconds histogram\n";
  for (const auto& [route, histogram] : latency_) {
    std::string label = "route=\"" + prometheus_label(route) + "\"";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += histogram.buckets[i];
      out += "wreg_http_request_duration_seconds_bucket{" + label + ",le=\"" + number(kBuckets[i]) +
             "\"} " + std::to_string(cumulative) + "\n";
    }
    out += "wreg_http_request_duration_seconds_bucket{" + label + ",le=\"+Inf\"} " +
           std::to_string(histogram.count) + "\n";
    out += "wreg_http_request_duration_seconds_sum{" + label + "} " + number(histogram.sum) + "\n";
    out += "wreg_http_request_duration_seconds_count{" + label + "} " +
           std::to_string(histogram.count) + "\n";
  }
  out +=
      "# HELP wreg_http_request_body_bytes_total Request body bytes received.\n"
      "# TYPE wreg_http_request_body_bytes_total counter\n"
      "wreg_http_request_body_bytes_total " +
      std::to_string(bytes_in_) + "\n";
  out +=
      "# HELP wreg_http_response_body_bytes_total Response body bytes sent.\n"
      "# TYPE wreg_http_response_body_bytes_total counter\n"
      "wreg_http_response_body_bytes_total " +
      std::to_string(bytes_out_) + "\n";
  out +=
      "# HELP wreg_http_open_connections Connections open now.\n"
      "# TYPE wreg_http_open_connections gauge\n"
      "wreg_http_open_connections " +
      std::to_string(open_connections_.load()) + "\n";
  out +=
      "# HELP wreg_http_refused_connections_total Connections refused past the connection cap.\n"
      "# TYPE wreg_http_refused_connections_total counter\n"
      "wreg_http_refused_connections_total " +
      std::to_string(refused_connections_.load()) + "\n";
  return out;
}

}  // namespace wreg::http
