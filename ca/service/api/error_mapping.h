// The one place where an ErrorCode becomes an HTTP status (docs/errors.md,
// "Codes"). Domain code never carries HTTP statuses (docs/errors.md).
#pragma once

#include <string>

#include "ca/core/common/result.h"

namespace sshca::api {

int httpStatusFor(ErrorCode code);

// {"error": "<message>", "code": "<errorCodeName>", "status": <status>,
// "message": "<message>"}: ours, plus the two members step clients read
// (step-ca's {"status", "message"}). The message is the Error's own;
// errors are written never to contain tokens, PINs or keys (docs/errors.md
// "Secrets in messages"), and the request parser never quotes field values.
std::string errorBody(int status, const Error& error);

}  // namespace sshca::api
