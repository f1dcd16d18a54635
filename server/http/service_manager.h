// Tells the service manager (systemd, through $NOTIFY_SOCKET) how the server is doing, for the
// Type=notify unit in deploy/: `systemctl start` returns once the server listens, a reload and a
// stop show in `systemctl status`. Without $NOTIFY_SOCKET (run by hand, in a container, by most
// tests) each call does nothing.
#pragma once

#include <string>

namespace wreg::http::service_manager {

// The server listens and answers; `status` is the line `systemctl status` shows.
void ready(const std::string& status);
// A reload (SIGHUP) has begun; ready() ends it.
void reloading();
// The graceful stop has begun.
void stopping();

}  // namespace wreg::http::service_manager
