#include "ca/service/api/error_mapping.h"

#include <nlohmann/json.hpp>

namespace sshca::api {

int httpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidArgument:
    case ErrorCode::InvalidFormat:
    case ErrorCode::Unsupported:
      return 400;
    case ErrorCode::Unauthenticated:
      return 401;
    case ErrorCode::PermissionDenied:
      return 403;
    case ErrorCode::NotFound:
      return 404;
    case ErrorCode::AlreadyExists:
    case ErrorCode::Replayed:
      return 409;
    case ErrorCode::PinIncorrect:
    case ErrorCode::PinLocked:
    case ErrorCode::Unavailable:
      return 503;
    case ErrorCode::RateLimited:
      return 429;
    case ErrorCode::CryptoFailure:
    case ErrorCode::IoError:
    case ErrorCode::Internal:
      return 500;
  }
  return 500;  // a value outside the enum: a bug, reported as one
}

std::string errorBody(int status, const Error& error) {
  nlohmann::json body = {{"error", error.message},
                         {"code", std::string(errorCodeName(error.code))},
                         {"status", status},
                         {"message", error.message}};
  // replace: a message carrying invalid UTF-8 must not make dump() throw.
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace sshca::api
