// JSON request bodies -> request structs (step-ca's field names, docs/protocol/tokens.md).
// Checks field types, required fields and base64; every failure is
// InvalidArgument naming the field. Unknown fields are ignored because step
// clients send extras; a member name twice in one object is refused. Revoke:
// reasonCode is one of RFC 5280's reasons, reason at most 512 bytes without
// control characters. Messages never quote a field's value (it may be a
// token).
#pragma once

#include <string>
#include <string_view>

#include "ca/core/common/result.h"
#include "ca/service/api/authority_api.h"

namespace sshca::api {

Result<SignSshRequest> parseSignSshRequest(std::string_view body);
Result<RenewSshRequest> parseRenewSshRequest(std::string_view body);
Result<RekeySshRequest> parseRekeySshRequest(std::string_view body);
Result<RevokeSshRequest> parseRevokeSshRequest(std::string_view body);
// {"type": "user"|"host"|"" (user), "data": {"name": "value", ...}}
Result<SshConfigRequest> parseSshConfigRequest(std::string_view body);
// {"type": "host", "principal": "...", "token"?}: the principal.
Result<std::string> parseSshCheckHostRequest(std::string_view body);

}  // namespace sshca::api
