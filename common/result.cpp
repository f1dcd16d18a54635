#include "common/result.h"

namespace wreg {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kAlreadyExists:
      return "already_exists";
    case ErrorCode::kConflict:
      return "conflict";
    case ErrorCode::kUnauthenticated:
      return "unauthenticated";
    case ErrorCode::kPermissionDenied:
      return "permission_denied";
    case ErrorCode::kTooLarge:
      return "too_large";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kIo:
      return "io_error";
    case ErrorCode::kCorrupt:
      return "corrupt";
    case ErrorCode::kUnsolvable:
      return "unsolvable";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "internal";
}

}  // namespace wreg
