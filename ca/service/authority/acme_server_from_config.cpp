#include "ca/service/authority/acme_server_from_config.h"

#include "ca/service/authority/acme_tls_issuer.h"
#include "ca/service/store/store_factory.h"

namespace sshca::authority {

Result<std::unique_ptr<acme::AcmeServer>> openAcmeServer(const config::CaConfig& config, Authority& authority) {
  acme::AcmeServerParts parts;
  for (const auto& p : config.provisioners)
    if (p.type == "acme") parts.provisioners[p.name] = p.acme;
  if (parts.provisioners.empty()) return std::unique_ptr<acme::AcmeServer>();
  // Refused at start rather than at every finalize.
  if (config.x509.intermediateCert.empty() || config.x509.intermediateKey.empty())
    return makeError(ErrorCode::InvalidArgument,
                     "ACME needs x509.intermediateCert and x509.intermediateKey in ca.json");
  parts.caUrl = config.url;
  while (!parts.caUrl.empty() && parts.caUrl.back() == '/') parts.caUrl.pop_back();
  auto store = store::openAcmeStore(config.db, 2);
  if (!store.ok()) return std::move(store).error().context("ACME");
  parts.store = std::move(store).value();
  parts.issuer = acmeTlsIssuer(authority);
  return acme::AcmeServer::create(std::move(parts));
}

}  // namespace sshca::authority
