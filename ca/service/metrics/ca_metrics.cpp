#include "ca/service/metrics/ca_metrics.h"

#include <cstdio>
#include <limits>
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

void addSigningMetrics(Registry& registry, std::function<authority::SignatureTimings::Snapshot(bool host)> timings,
                       std::function<Result<std::optional<uint64_t>>(bool host)> newestExpiry) {
  using authority::SignatureTimings;
  registry.addGauge(
      "sshca_hsm_signature_duration_seconds", "Time each signature by an SSH CA key takes (on the token).",
      [timings] {
        std::vector<GaugeSample> out;
        for (bool host : {false, true}) {
          const std::string key = host ? "key=\"host\"" : "key=\"user\"";
          SignatureTimings::Snapshot s = timings(host);
          for (size_t i = 0; i < SignatureTimings::kBuckets.size(); ++i) {
            char le[32];
            std::snprintf(le, sizeof le, "%g", SignatureTimings::kBuckets[i]);
            out.push_back({key + ",le=\"" + le + "\"", static_cast<double>(s.cumulative[i]), "_bucket"});
          }
          out.push_back({key + ",le=\"+Inf\"", static_cast<double>(s.count), "_bucket"});
          out.push_back({key, s.sumSeconds, "_sum"});
          out.push_back({key, static_cast<double>(s.count), "_count"});
        }
        return out;
      },
      "histogram");
  registry.addGauge(
      "sshca_hsm_signature_failures_total", "Signatures by an SSH CA key that failed.",
      [timings] {
        return std::vector<GaugeSample>{{"key=\"user\"", static_cast<double>(timings(false).failures)},
                                        {"key=\"host\"", static_cast<double>(timings(true).failures)}};
      },
      "counter");
  registry.addGauge("sshca_ssh_newest_certificate_expiry_timestamp_seconds",
                    "The latest validBefore of the certificates each SSH CA key has issued, seconds since the "
                    "epoch (+Inf: forever); absent before the first.",
                    [newestExpiry] {
                      std::vector<GaugeSample> out;
                      for (bool host : {false, true}) {
                        auto t = newestExpiry(host);
                        if (!t.ok() || !t->has_value()) continue;
                        double v =
                            **t == UINT64_MAX ? std::numeric_limits<double>::infinity() : static_cast<double>(**t);
                        out.push_back({host ? "key=\"host\"" : "key=\"user\"", v});
                      }
                      return out;
                    });
}

void addFrontDoorMetrics(Registry& registry, std::function<api::FrontDoorLoad()> load) {
  registry.addGauge("sshca_http_open_connections", "TLS connections accepted and not yet closed.", [load] {
    return std::vector<GaugeSample>{{"", static_cast<double>(load().openConnections)}};
  });
  registry.addGauge("sshca_authority_queue_depth", "Requests waiting for a thread of the authority's pool.", [load] {
    return std::vector<GaugeSample>{{"", static_cast<double>(load().queued)}};
  });
  registry.addGauge(
      "sshca_authority_shed_requests_total",
      "Requests refused with 503 because the authority's queue was full or they waited too long.",
      [load] {
        return std::vector<GaugeSample>{{"", static_cast<double>(load().shed)}};
      },
      "counter");
}

void addStoreMetrics(Registry& registry, std::function<std::optional<store::CommitCounts>()> counts) {
  auto read = [counts](auto pick) {
    return [counts, pick] {
      std::optional<store::CommitCounts> c = counts();
      return c ? pick(*c) : std::vector<GaugeSample>{};
    };
  };
  using C = store::CommitCounts;
  registry.addGauge("sshca_db_commits_total", "Database transactions committed (each holds a batch of writes).",
                    read([](const C& c) {
                      return std::vector<GaugeSample>{{"", static_cast<double>(c.commits)}};
                    }),
                    "counter");
  registry.addGauge("sshca_db_commit_batch_size", "Writes per committed batch: _sum writes over _count commits.",
                    read([](const C& c) {
                      return std::vector<GaugeSample>{{"", static_cast<double>(c.writes), "_sum"},
                                                      {"", static_cast<double>(c.commits), "_count"}};
                    }),
                    "summary");
  registry.addGauge("sshca_db_commit_batch_size_max", "The most writes that shared one commit since the start.",
                    read([](const C& c) {
                      return std::vector<GaugeSample>{{"", static_cast<double>(c.largestBatch)}};
                    }));
  registry.addGauge(
      "sshca_db_commit_duration_seconds",
      "Time from BEGIN to the fsynced COMMIT of each batch: _sum seconds over _count commits.", read([](const C& c) {
        return std::vector<GaugeSample>{{"", c.commitSeconds, "_sum"}, {"", static_cast<double>(c.commits), "_count"}};
      }),
      "summary");
}

}  // namespace sshca::metrics
