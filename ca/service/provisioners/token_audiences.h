// Which "aud" values a token may carry, as step-ca 0.19 builds them: for
// each of the CA's names (ca.json dnsNames, and the host of its url) the
// endpoint under https://<name>, with and without "/1.0"; a token for
// /ssh/sign may also name step's generic sign path (/1.0/sign, /sign),
// which is what `step ssh certificate` puts there. The port is not part of
// the comparison (ClaimChecks::audienceIgnoresPort, as step-ca compares),
// so a client that reaches the CA through another port or a proxy matches.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sshca::provisioners {

// `caUrl` is ca.json's url, `caNames` its dnsNames, `endpoint` the route
// the request came in on ("/ssh/sign" or "/1.0/ssh/sign"). `fragment` is
// appended as "#fragment" (SSHPOP: "sshpop/<name>").
std::vector<std::string> stepAudiences(const std::string& caUrl, const std::vector<std::string>& caNames,
                                       std::string_view endpoint, std::string_view fragment = {});

}  // namespace sshca::provisioners
