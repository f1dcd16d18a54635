// wreg-server as a system service: the Type=notify unit in deploy/ hears from it through
// $NOTIFY_SOCKET (readiness, reload, stop), and SIGHUP (`systemctl reload`) reads the TLS
// certificate again without dropping the connections already open.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "tests/integration/http_client.h"
#include "tests/integration/server_process.h"

namespace wreg::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// The socket systemd listens on for a Type=notify service: a datagram socket whose path the
// service finds in $NOTIFY_SOCKET. Set for the servers this test starts, unset after.
class NotifySocket {
 public:
  explicit NotifySocket(const fs::path& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    path.string().copy(address.sun_path, sizeof address.sun_path - 1);
    bound_ = fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::setenv("NOTIFY_SOCKET", path.c_str(), 1);
  }
  ~NotifySocket() {
    ::unsetenv("NOTIFY_SOCKET");
    if (fd_ >= 0) ::close(fd_);
  }
  bool bound() const { return bound_; }

  // The next message, or "" when none comes within `wait`.
  std::string next(std::chrono::seconds wait = 20s) {
    timeval timeout{};
    timeout.tv_sec = static_cast<time_t>(wait.count());
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    char buffer[4096];
    auto size = ::recv(fd_, buffer, sizeof buffer, 0);
    return size > 0 ? std::string(buffer, static_cast<std::size_t>(size)) : "";
  }

 private:
  fs::path path_;
  int fd_ = -1;
  bool bound_ = false;
};

struct Certificate {
  std::string cert;
  std::string key;
};

// A self-signed certificate for `common_name`, written to `dir`/<name>.pem and <name>.key.
Certificate make_certificate(const fs::path& dir, const std::string& common_name) {
  Certificate made{(dir / (common_name + ".pem")).string(),
                   (dir / (common_name + ".key")).string()};
  auto run = run_command("/usr/bin/openssl",
                         {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", made.key,
                          "-out", made.cert, "-days", "1", "-subj", "/CN=" + common_name});
  EXPECT_EQ(run.exit_status, 0) << run.err;
  return made;
}

// Puts `from`'s files where the server reads its certificate, as a renewal tool does (a new
// file renamed over the old one).
void install_certificate(const Certificate& from, const Certificate& to) {
  fs::copy_file(from.cert, to.cert + ".new", fs::copy_options::overwrite_existing);
  fs::copy_file(from.key, to.key + ".new", fs::copy_options::overwrite_existing);
  fs::rename(to.cert + ".new", to.cert);
  fs::rename(to.key + ".new", to.key);
}

// Waits until the server's log holds `text` `count` times.
bool log_shows(const ServerProcess& server, const std::string& text, int count = 1) {
  for (auto deadline = std::chrono::steady_clock::now() + 20s;
       std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(20ms)) {
    std::string log = server.log();
    int seen = 0;
    for (auto at = log.find(text); at != std::string::npos; at = log.find(text, at + 1)) ++seen;
    if (seen >= count) return true;
  }
  return false;
}

int healthz_status(Connection& connection) {
  if (!connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")) return 0;
  return connection.read_response().status;
}

TEST(ServiceTest, TellsTheServiceManagerItIsReadyAndWhenItStops) {
  TempDir dir;
  NotifySocket notify(dir.path() / "notify");
  ASSERT_TRUE(notify.bound());
  ServerProcess server(dir.path() / "data");
  ASSERT_TRUE(server.start()) << server.log();
  std::string ready = notify.next();
  EXPECT_NE(ready.find("READY=1"), std::string::npos) << ready;
  EXPECT_NE(ready.find("STATUS=serving on port " + std::to_string(server.port())),
            std::string::npos)
      << ready;

  // Plain HTTP has nothing to reload, and SIGHUP no longer ends the server.
  ASSERT_EQ(::kill(server.pid(), SIGHUP), 0);
  EXPECT_TRUE(log_shows(server, "reload: nothing to reload")) << server.log();
  EXPECT_EQ(request(server.port(), "GET", "/healthz").status, 200);

  // stop() sends SIGTERM and waits; the message is then waiting in the socket.
  EXPECT_EQ(server.stop(), 0) << server.log();
  std::string stopping = notify.next();
  EXPECT_NE(stopping.find("STOPPING=1"), std::string::npos) << stopping;
}

TEST(ServiceTest, SighupServesARenewedCertificateAndKeepsOpenConnections) {
  TempDir dir;
  NotifySocket notify(dir.path() / "notify");
  ASSERT_TRUE(notify.bound());
  Certificate served{(dir.path() / "served.pem").string(), (dir.path() / "served.key").string()};
  install_certificate(make_certificate(dir.path(), "first.test"), served);
  Certificate renewed = make_certificate(dir.path(), "renewed.test");

  ServerProcess server(dir.path() / "data", {"--tls-cert", served.cert, "--tls-key", served.key});
  ASSERT_TRUE(server.start()) << server.log();
  EXPECT_NE(notify.next().find("READY=1"), std::string::npos);
  EXPECT_NE(server.log().find("TLS certificate: CN = first.test, valid until"), std::string::npos)
      << server.log();
  auto before = Connection::open(server.port(), /*tls=*/true);
  ASSERT_TRUE(before);
  EXPECT_EQ(before->peer_common_name(), "first.test");
  EXPECT_EQ(healthz_status(*before), 200);

  install_certificate(renewed, served);
  ASSERT_EQ(::kill(server.pid(), SIGHUP), 0);
  EXPECT_NE(notify.next().find("RELOADING=1"), std::string::npos);
  EXPECT_NE(notify.next().find("READY=1"), std::string::npos);
  ASSERT_TRUE(
      log_shows(server, "reload: new connections get the TLS certificate CN = renewed.test"))
      << server.log();
  // The connection made before the reload goes on, with the certificate it began with.
  EXPECT_EQ(healthz_status(*before), 200);
  auto after = Connection::open(server.port(), /*tls=*/true);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->peer_common_name(), "renewed.test");
  EXPECT_EQ(healthz_status(*after), 200);

  // A renewal gone wrong (a key that is not the certificate's, then a file cut short) is logged,
  // and the server goes on with the pair it has.
  fs::copy_file(make_certificate(dir.path(), "other.test").key, served.key,
                fs::copy_options::overwrite_existing);
  ASSERT_EQ(::kill(server.pid(), SIGHUP), 0);
  ASSERT_TRUE(log_shows(server,
                        "reload failed, still serving the certificate loaded before: "
                        "cannot use the TLS private key"))
      << server.log();
  { std::ofstream(served.cert, std::ios::trunc) << "-----BEGIN CERTIFICATE-----\nMII"; }
  ASSERT_EQ(::kill(server.pid(), SIGHUP), 0);
  ASSERT_TRUE(log_shows(server, "reload failed", 2)) << server.log();
  EXPECT_NE(server.log().find("cannot use the TLS certificate"), std::string::npos) << server.log();
  auto still = Connection::open(server.port(), /*tls=*/true);
  ASSERT_TRUE(still);
  EXPECT_EQ(still->peer_common_name(), "renewed.test");
  EXPECT_EQ(healthz_status(*still), 200);
  EXPECT_EQ(healthz_status(*before), 200);
  EXPECT_EQ(server.stop(), 0) << server.log();
}

}  // namespace
}  // namespace wreg::testing
