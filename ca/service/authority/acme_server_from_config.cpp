#include "ca/service/authority/acme_server_from_config.h"

#include <chrono>

#include "ca/service/authority/acme_tls_issuer.h"
#include "ca/service/store/store_factory.h"

namespace sshca::authority {

Result<std::unique_ptr<acme::AcmeServer>> openAcmeServer(const config::CaConfig& config) {
  acme::AcmeServerParts parts;
  for (const auto& p : config.provisioners)
    if (p.type == "acme") parts.provisioners[p.name] = p.acme;
  if (parts.provisioners.empty()) return std::unique_ptr<acme::AcmeServer>();
  parts.caUrl = config.url;
  while (!parts.caUrl.empty() && parts.caUrl.back() == '/') parts.caUrl.pop_back();
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch())  // lint: clock
                    .count();
  auto store = store::openAcmeStore(config.db, 2);
  if (!store.ok()) return std::move(store).error().context("ACME");
  parts.store = std::move(store).value();
  auto issuer = openAcmeTlsIssuer(config, now, systemRandom());
  if (!issuer.ok()) return std::move(issuer).error().context("ACME");
  parts.issuer = std::move(issuer).value();
  return acme::AcmeServer::create(std::move(parts));
}

}  // namespace sshca::authority
