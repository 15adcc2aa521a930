#include "ca/core/common/result.h"

namespace sshca {

std::string_view errorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidArgument:
      return "invalid_argument";
    case ErrorCode::InvalidFormat:
      return "invalid_format";
    case ErrorCode::Unsupported:
      return "unsupported";
    case ErrorCode::NotFound:
      return "not_found";
    case ErrorCode::AlreadyExists:
      return "already_exists";
    case ErrorCode::Unauthenticated:
      return "unauthenticated";
    case ErrorCode::PermissionDenied:
      return "permission_denied";
    case ErrorCode::PinIncorrect:
      return "pin_incorrect";
    case ErrorCode::PinLocked:
      return "pin_locked";
    case ErrorCode::Replayed:
      return "replayed";
    case ErrorCode::Unavailable:
      return "unavailable";
    case ErrorCode::RateLimited:
      return "rate_limited";
    case ErrorCode::CryptoFailure:
      return "crypto_failure";
    case ErrorCode::IoError:
      return "io_error";
    case ErrorCode::Internal:
      return "internal";
  }
  return "internal";
}

}  // namespace sshca
