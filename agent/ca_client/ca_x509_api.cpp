#include "agent/ca_client/ca_x509_api.h"

#include <nlohmann/json.hpp>

namespace sshca::agent {
namespace {

using nlohmann::json;

Error badAnswer(const std::string& what) {
  return makeError(ErrorCode::InvalidFormat, "/x509/sign: the CA's answer " + what);
}

}  // namespace

Result<TlsCertificateAnswer> signTlsCertificate(const CaClient& ca, const std::string& csrPem,
                                                const std::string& sshpop) {
  json body = {{"csr", csrPem}, {"ott", sshpop}};
  SSHCA_ASSIGN_OR_RETURN(std::string answer, ca.postJson("/1.0/x509/sign", body.dump()));
  json j = json::parse(answer, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return badAnswer("is not a JSON object");
  if (!j.contains("crt") || !j["crt"].is_string()) return badAnswer("has no \"crt\"");
  TlsCertificateAnswer out{j["crt"].get<std::string>(), {}};
  if (!j.contains("certChain") || !j["certChain"].is_array()) return badAnswer("has no \"certChain\"");
  for (const auto& pem : j["certChain"]) {
    if (!pem.is_string()) return badAnswer("has a non-string in \"certChain\"");
    out.chainPem += pem.get<std::string>();
  }
  return out;
}

}  // namespace sshca::agent
