#include "ca/service/api/x509_sign_json.h"

#include <nlohmann/json.hpp>

#include "ca/service/api/json_fields.h"

namespace sshca::api {

using namespace json_fields;

Result<X509SignRequest> parseX509SignRequest(std::string_view body) {
  SSHCA_ASSIGN_OR_RETURN(auto obj, parseObject(body));
  X509SignRequest r;
  SSHCA_ASSIGN_OR_RETURN(r.csrPem, requiredString(obj, "csr"));
  SSHCA_ASSIGN_OR_RETURN(r.ott, requiredString(obj, "ott"));
  SSHCA_ASSIGN_OR_RETURN(r.notBefore, optionalString(obj, "notBefore"));
  SSHCA_ASSIGN_OR_RETURN(r.notAfter, optionalString(obj, "notAfter"));
  // The CA starts every certificate now (backdated for clock skew): a later
  // start is not offered, and refusing says so rather than ignoring it.
  if (!r.notBefore.empty())
    return makeError(ErrorCode::InvalidArgument, "field \"notBefore\" is not supported: certificates start now");
  return r;
}

std::string renderX509Certificate(const X509Certificate& issued) {
  nlohmann::json chain = nlohmann::json::array({issued.certificatePem});
  for (const auto& pem : issued.chainPem) chain.push_back(pem);
  nlohmann::json out = {{"crt", issued.certificatePem},
                        {"ca", issued.chainPem.empty() ? "" : issued.chainPem.front()},
                        {"certChain", chain}};
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace sshca::api
