// Internal to server/http: the OpenSSL context for HTTPS.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "common/result.h"

namespace wreg::http {

// A server context that accepts TLS 1.2 and later only, with the PEM certificate chain and
// private key from these files. kInvalidArgument names the file that could not be used.
Result<std::unique_ptr<boost::asio::ssl::context>> make_tls_context(const std::string& cert_file,
                                                                    const std::string& key_file);

// The certificate `context` serves, for the log: its subject and when it expires
// ("CN=registry.example.com, valid until Mar  1 12:00:00 2027 GMT"), escaped.
std::string describe_certificate(boost::asio::ssl::context& context);

}  // namespace wreg::http
