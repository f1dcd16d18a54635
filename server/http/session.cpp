// The state the listener and its sessions share, and the start of a session; the session itself
// is session_impl.h, built by session_plain.cpp and session_tls.cpp.
#include "server/http/session.h"

#include <utility>

namespace wreg::http {

void ServerContext::add(SessionHandle* session) {
  std::lock_guard lock(sessions_mutex);
  sessions.insert(session);
}

void ServerContext::remove(SessionHandle* session) {
  std::lock_guard lock(sessions_mutex);
  sessions.erase(session);
}

void ServerContext::stop_sessions() {
  std::lock_guard lock(sessions_mutex);
  for (auto* session : sessions) session->stop();
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
