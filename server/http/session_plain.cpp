// Session<Stream> for plain TCP (session_impl.h), in a translation unit of its own.
#include "server/http/session_impl.h"

namespace wreg::http {

void start_plain_session(boost::asio::ip::tcp::socket socket, ServerContext& context,
                         bool over_capacity) {
  using session_detail::Session;
  std::make_shared<Session<boost::beast::tcp_stream>>(context, over_capacity, std::move(socket))
      ->start();
}

}  // namespace wreg::http
