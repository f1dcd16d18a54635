// Session<Stream> for TLS (session_impl.h), in a translation unit of its own.
#include "server/http/session_impl.h"

namespace wreg::http {

void start_tls_session(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context& tls,
                       ServerContext& context, bool over_capacity) {
  using session_detail::Session;
  std::make_shared<Session<boost::beast::ssl_stream<boost::beast::tcp_stream>>>(
      context, over_capacity, std::move(socket), tls)
      ->start();
}

}  // namespace wreg::http
