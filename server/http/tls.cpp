#include "server/http/tls.h"

#include <openssl/bio.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/system/system_error.hpp>

#include "common/text.h"

namespace wreg::http {

namespace ssl = boost::asio::ssl;

Result<std::unique_ptr<ssl::context>> make_tls_context(const std::string& cert_file,
                                                       const std::string& key_file) {
  std::unique_ptr<ssl::context> context;
  try {
    context = std::make_unique<ssl::context>(ssl::context::tls_server);
  } catch (const boost::system::system_error& e) {
    return fail(ErrorCode::kInternal, std::string("cannot set up TLS: ") + e.what());
  }
  boost::system::error_code ec;
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                           ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                           ssl::context::no_tlsv1_1 | ssl::context::single_dh_use,
                       ec);
  if (ec || SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION) != 1) {
    return fail(ErrorCode::kInternal, "cannot restrict TLS to version 1.2 and later");
  }
  context->use_certificate_chain_file(cert_file, ec);
  if (ec) {
    return fail(ErrorCode::kInvalidArgument, "cannot use the TLS certificate " +
                                                 wreg::quoted(cert_file) + ": " + ec.message() +
                                                 "; give a PEM certificate chain with --tls-cert");
  }
  context->use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec) {
    return fail(ErrorCode::kInvalidArgument,
                "cannot use the TLS private key " + wreg::quoted(key_file) + ": " + ec.message() +
                    "; give the PEM key of the certificate with --tls-key");
  }
  if (SSL_CTX_check_private_key(context->native_handle()) != 1) {
    return fail(ErrorCode::kInvalidArgument, "the TLS private key " + wreg::quoted(key_file) +
                                                 " does not belong to the certificate " +
                                                 wreg::quoted(cert_file));
  }
  return context;
}

std::string describe_certificate(ssl::context& context) {
  X509* certificate = SSL_CTX_get0_certificate(context.native_handle());
  if (certificate == nullptr) return "no certificate";
  std::unique_ptr<BIO, decltype(&BIO_free)> text(BIO_new(BIO_s_mem()), &BIO_free);
  if (!text) return "a certificate";
  X509_NAME_print_ex(text.get(), X509_get_subject_name(certificate), 0, XN_FLAG_ONELINE);
  BIO_puts(text.get(), ", valid until ");
  ASN1_TIME_print(text.get(), X509_get0_notAfter(certificate));
  char* bytes = nullptr;
  long size = BIO_get_mem_data(text.get(), &bytes);
  return wreg::escaped(std::string(bytes, size > 0 ? static_cast<std::size_t>(size) : 0));
}

}  // namespace wreg::http
