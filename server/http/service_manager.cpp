#include "server/http/service_manager.h"

#include <systemd/sd-daemon.h>

#include <ctime>

namespace wreg::http::service_manager {

namespace {

// A failed notification changes nothing for the clients, and systemd reports a unit that never
// said READY=1 by itself, so the result is not looked at.
void notify(const std::string& state) { ::sd_notify(/*unset_environment=*/0, state.c_str()); }

// systemd 253 and later want the reload's start time with RELOADING=1 (Type=notify-reload);
// older ones ignore it.
std::string monotonic_microseconds() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return std::to_string(static_cast<long long>(now.tv_sec) * 1'000'000 + now.tv_nsec / 1'000);
}

}  // namespace

void ready(const std::string& status) {
  std::string line = status;  // one line: a line break would start another field
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  notify("READY=1\nSTATUS=" + line);
}

void reloading() {
  notify("RELOADING=1\nSTATUS=reloading the TLS certificate\nMONOTONIC_USEC=" +
         monotonic_microseconds());
}

void stopping() { notify("STOPPING=1\nSTATUS=stopping: finishing requests in flight"); }

}  // namespace wreg::http::service_manager
