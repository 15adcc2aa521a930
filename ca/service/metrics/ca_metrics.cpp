#include "ca/service/metrics/ca_metrics.h"

#include <string>

#include "ca/core/common/file_io.h"
#include "ca/core/ssh/krl.h"
#include "ca/core/x509/certificate_info.h"
#include "ca/core/x509/x509_pem.h"

namespace sshca::metrics {

namespace {

// The certificate operation a route performs, or "" for the others.
std::string operationOf(const std::string& route) {
  if (route == "/ssh/sign") return "sign";
  if (route == "/ssh/renew") return "renew";
  if (route == "/ssh/rekey") return "rekey";
  if (route == "/ssh/revoke") return "revoke";
  return "";
}

// notAfter of the first certificate in a PEM file; nothing when unreadable
// (the series then disappears, which `absent()` alerts on).
std::vector<GaugeSample> expiryOf(const std::string& which, const std::string& path) {
  if (path.empty()) return {};
  auto text = readFile(path);
  if (!text.ok()) return {};
  auto cert = x509::certificateFromPemOrDer(*text);
  if (!cert.ok()) return {};
  auto info = x509::describeCertificate(*cert->get());
  if (!info.ok()) return {};
  return {{"certificate=\"" + which + "\"", static_cast<double>(info->notAfter)}};
}

std::vector<GaugeSample> krlSamples(api::AuthorityApi& authority, int field) {
  auto bytes = authority.krl();
  if (!bytes.ok()) return {};
  if (field == 1) return {{"", static_cast<double>(bytes->size())}};
  auto krl = ssh::parseKrl(*bytes);
  if (!krl.ok()) return {};
  if (field == 0) return {{"", static_cast<double>(krl->version)}};
  size_t entries = 0;
  for (const auto& section : krl->certificates) {
    entries += section.serials.size() + section.keyIds.size();
    for (const auto& r : section.ranges) entries += static_cast<size_t>(r.last - r.first + 1);
  }
  return {{"", static_cast<double>(entries)}};
}

}  // namespace

void countApiRequest(Registry& registry, const api::RequestLogEntry& entry) {
  const std::string route = routeOf(entry.path);
  registry.countRequest(route, entry.status, entry.latencyMs / 1000.0);
  const std::string operation = operationOf(route);
  if (operation.empty()) return;
  if (entry.status < 400)
    registry.countCertificate(operation, entry.fields.provisioner);
  else
    registry.countRefusal(
        operation, entry.fields.errorCode.empty() ? "http_" + std::to_string(entry.status) : entry.fields.errorCode);
}

void addCaGauges(Registry& registry, api::AuthorityApi& authority, const config::CaConfig& config) {
  registry.addGauge(
      "sshca_health_up", "1 when the part answers (hsm: the token; db: the database), else 0.", [&authority] {
        api::HealthReport h = authority.health();
        return std::vector<GaugeSample>{{"part=\"hsm\"", h.hsmOk ? 1.0 : 0.0}, {"part=\"db\"", h.dbOk ? 1.0 : 0.0}};
      });
  registry.addGauge(
      "sshca_certificate_expiry_timestamp_seconds",
      "When the CA's X.509 certificates end (root, intermediate, TLS), seconds since the epoch.",
      [root = config.x509.rootCert, intermediate = config.x509.intermediateCert, tls = config.tls.certChain] {
        std::vector<GaugeSample> out;
        for (auto [which, path] :
             {std::pair{"root", root}, std::pair{"intermediate", intermediate}, std::pair{"tls", tls}})
          for (auto& s : expiryOf(which, path)) out.push_back(std::move(s));
        return out;
      });
  registry.addGauge("sshca_krl_version", "The version of the KRL GET /ssh/krl serves.",
                    [&authority] { return krlSamples(authority, 0); });
  registry.addGauge("sshca_krl_bytes", "The size of the KRL GET /ssh/krl serves.",
                    [&authority] { return krlSamples(authority, 1); });
  registry.addGauge("sshca_krl_entries", "Revoked serials and key IDs listed in the KRL.",
                    [&authority] { return krlSamples(authority, 2); });
}

}  // namespace sshca::metrics
