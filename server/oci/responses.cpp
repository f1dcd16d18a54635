#include "server/oci/responses.h"

#include "server/http/status_table.h"

namespace wreg::oci {

int status_of(Code code) {
  switch (code) {
    case Code::kBlobUnknown:
    case Code::kBlobUploadUnknown:
    case Code::kManifestUnknown:
    case Code::kNameUnknown:
      return 404;
    // A manifest naming a blob that is not there is a bad request, not a missing resource:
    // distribution answers 400, and clients expect it.
    case Code::kManifestBlobUnknown:
    case Code::kBlobUploadInvalid:
    case Code::kDigestInvalid:
    case Code::kManifestInvalid:
    case Code::kNameInvalid:
    case Code::kSizeInvalid:
      return 400;
    case Code::kUnauthorized:
      return 401;
    case Code::kDenied:
      return 403;
    case Code::kUnsupported:
      return 405;
    case Code::kTooManyRequests:
      return 429;
    case Code::kUnknown:
      return 500;
  }
  return 500;
}

http::Response namespace_unknown(const PackageName& name) {
  return error_response(Code::kNameUnknown, "namespace \"" + name.space() +
                                                "\" does not exist; ask an admin to create it with "
                                                "`wreg-server namespace create " +
                                                name.space() + "`");
}

std::string next_link(std::string_view path, std::size_t n, std::string_view last) {
  return "<" + std::string(path) + "?n=" + std::to_string(n) + "&last=" + std::string(last) +
         ">; rel=\"next\"";
}

void mark_registry_response(http::Response& response) {
  response.set("Docker-Distribution-API-Version", "registry/2.0");
}

http::Response error_response(Code code, std::string_view message, int status) {
  http::Response response = http::json_response(status, write_error(code, message));
  mark_registry_response(response);
  return response;
}

http::Response error_response(Code code, std::string_view message) {
  return error_response(code, message, status_of(code));
}

http::Response error_of(const Error& error, ErrorCodes codes) {
  switch (error.code) {
    case ErrorCode::kNotFound:
      return error_response(codes.not_found, error.message);
    case ErrorCode::kInvalidArgument:
      return error_response(codes.invalid, error.message);
    case ErrorCode::kUnauthenticated: {
      http::Response response = error_response(Code::kUnauthorized, error.message);
      response.set("WWW-Authenticate", "Bearer realm=\"wreg\"");
      return response;
    }
    case ErrorCode::kPermissionDenied:
      return error_response(Code::kDenied, error.message);
    case ErrorCode::kConflict:
    case ErrorCode::kAlreadyExists:
      return error_response(Code::kDenied, error.message, 409);
    case ErrorCode::kTooLarge:
      return error_response(Code::kSizeInvalid, error.message, 413);
    case ErrorCode::kInternal: {
      http::Response response = error_response(
          Code::kUnknown,
          "the server failed to handle this request; its log has the details, and retrying "
          "later may help",
          500);
      response.log_detail = error.message;
      return response;
    }
    default:
      return error_response(Code::kUnknown, error.message, http::http_status(error.code));
  }
}

}  // namespace wreg::oci
