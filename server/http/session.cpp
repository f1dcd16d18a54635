// The state the listener and its sessions share, and the start of a session; the session itself
// is session_impl.h, built by session_plain.cpp and session_tls.cpp.
#include "server/http/session.h"

#include <utility>
#include <vector>

namespace wreg::http {

void ServerContext::add(const std::shared_ptr<SessionHandle>& session) {
  std::lock_guard lock(sessions_mutex);
  sessions.emplace(session.get(), session);
}

void ServerContext::remove(SessionHandle* session) {
  std::lock_guard lock(sessions_mutex);
  sessions.erase(session);
}

void ServerContext::stop_sessions() {
  // The sessions are stopped, and our references dropped, outside the lock: a session whose
  // other owners let go meanwhile is destroyed by the last of these references, and its
  // destructor takes the lock (remove()). Stopping under the lock deadlocked the server's stop
  // about once in 30 runs of ServerLifecycleTest.ServesHttpsWithASelfSignedCertificate.
  std::vector<std::shared_ptr<SessionHandle>> live;
  {
    std::lock_guard lock(sessions_mutex);
    live.reserve(sessions.size());
    for (const auto& [address, session] : sessions) {
      if (auto owner = session.lock()) live.push_back(std::move(owner));
    }
  }
  for (const auto& session : live) session->stop();
}

void start_session(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context* tls,
                   ServerContext& context, bool over_capacity) {
  if (tls) {
    start_tls_session(std::move(socket), *tls, context, over_capacity);
  } else {
    start_plain_session(std::move(socket), context, over_capacity);
  }
}

}  // namespace wreg::http
