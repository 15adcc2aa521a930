// sshca cert list | show: the inventory of issued SSH certificates, read
// from the CA's database (SQLite or PostgreSQL) on the CA machine. What was
// issued, to whom, through which provisioner, what is revoked and what
// expires soon. Read only: no token, no PIN, no running server.
#include <ctime>
#include <iostream>
#include <limits>
#include <optional>

#include <nlohmann/json.hpp>

#include "ca/cli/commands.h"
#include "ca/cli/configured_store.h"
#include "ca/core/common/utc_time.h"
#include "ca/service/config/ca_config.h"
#include "ca/service/policy/ssh_serial.h"
#include "cli_support/cli_error.h"

namespace sshca::cli {
namespace {

struct CertListOptions {
  std::string config, type, principal, keyId, subject, provisioner, fingerprint, expiringWithin;
  bool revoked = false, unrevoked = false, includeExpired = false, json = false;
  size_t limit = 0;
};

// Key IDs, subjects and principals are callers' bytes, not always UTF-8:
// shown with U+FFFD rather than failing the listing.
constexpr auto kReplaceInvalid = nlohmann::json::error_handler_t::replace;

std::optional<std::string> given(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

std::string validUntil(uint64_t validBefore) {
  if (validBefore >= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return "forever";
  return formatUtc(static_cast<int64_t>(validBefore));
}

// "revoked", "expired" or "valid" at `now`.
std::string stateOf(const store::SshCertificateRecord& r, int64_t now) {
  if (r.revokedAt) return "revoked";
  if (r.validBefore <= static_cast<uint64_t>(now)) return "expired";
  return "valid";
}

nlohmann::json toJson(const store::SshCertificateRecord& r, int64_t now) {
  nlohmann::json j = {{"serial", std::to_string(r.serial)},
                      {"type", r.certType},
                      {"keyId", r.keyId},
                      {"principals", r.principals},
                      {"validAfter", validUntil(r.validAfter)},
                      {"validBefore", validUntil(r.validBefore)},
                      {"state", stateOf(r, now)},
                      {"provisioner", r.provisioner},
                      {"subject", r.subject},
                      {"keyFingerprint", r.keyFingerprint},
                      {"caFingerprint", r.caFingerprint},
                      {"issuedAt", formatUtc(r.issuedAt)}};
  if (r.revokedAt) {
    j["revokedAt"] = formatUtc(*r.revokedAt);
    j["revocationReason"] = r.revocationReason;
  }
  return j;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
  return out;
}

// Key IDs and principals come from callers: the dump escapes control
// characters so that a line stays one line.
std::string printable(const std::string& s) { return nlohmann::json(s).dump(-1, ' ', true, kReplaceInvalid); }

void printTable(const std::vector<store::SshCertificateRecord>& rows, int64_t now) {
  std::cout << "SERIAL\tTYPE\tSTATE\tVALID UNTIL\tPROVISIONER\tKEY ID\tPRINCIPALS\n";
  for (const auto& r : rows)
    std::cout << r.serial << "\t" << r.certType << "\t" << stateOf(r, now) << "\t" << validUntil(r.validBefore) << "\t"
              << r.provisioner << "\t" << printable(r.keyId) << "\t" << printable(joined(r.principals)) << "\n";
}

store::SshCertificateQuery queryFrom(const CertListOptions& o, int64_t now) {
  if (!o.type.empty() && o.type != "user" && o.type != "host") fail(usage("--type must be user or host"));
  if (o.revoked && o.unrevoked) fail(usage("give at most one of --revoked and --not-revoked"));
  store::SshCertificateQuery q;
  q.certType = given(o.type);
  q.principal = given(o.principal);
  q.keyId = given(o.keyId);
  q.subject = given(o.subject);
  q.provisioner = given(o.provisioner);
  q.keyFingerprint = given(o.fingerprint);
  if (o.revoked || o.unrevoked) q.revoked = o.revoked;
  if (!o.includeExpired) q.unexpiredAt = now;
  if (!o.expiringWithin.empty()) {
    q.unexpiredAt = now;
    q.expiringBy = now + static_cast<int64_t>(orFail(config::parseDuration(o.expiringWithin)));
  }
  q.limit = o.limit;
  return q;
}

void runList(const CertListOptions& o) {
  const auto now = static_cast<int64_t>(std::time(nullptr));
  store::SshCertificateQuery q = queryFrom(o, now);
  auto rows = orFail(openConfiguredStore(o.config)->list(q));
  if (o.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : rows) out.push_back(toJson(r, now));
    std::cout << out.dump(2, ' ', false, kReplaceInvalid) << "\n";
    return;
  }
  printTable(rows, now);
}

void printRecord(const store::SshCertificateRecord& r, int64_t now) {
  std::cout << "serial:          " << r.serial << "\n"
            << "type:            " << r.certType << "\n"
            << "state:           " << stateOf(r, now) << "\n"
            << "key ID:          " << printable(r.keyId) << "\n"
            << "principals:      " << printable(joined(r.principals)) << "\n"
            << "valid:           " << validUntil(r.validAfter) << " to " << validUntil(r.validBefore) << "\n"
            << "provisioner:     " << r.provisioner << "\n"
            << "subject:         " << printable(r.subject) << "\n"
            << "key fingerprint: " << r.keyFingerprint << "\n"
            << "CA fingerprint:  " << r.caFingerprint << "\n"
            << "issued at:       " << formatUtc(r.issuedAt) << "\n";
  if (r.revokedAt)
    std::cout << "revoked at:      " << formatUtc(*r.revokedAt) << " (" << printable(r.revocationReason) << ")\n";
}

void runShow(const std::string& config, const std::string& serialText, bool json) {
  const auto now = static_cast<int64_t>(std::time(nullptr));
  store::SshCertificateQuery q;
  q.serial = orFail(policy::parseSshSerial(serialText, "SERIAL"));
  auto rows = orFail(openConfiguredStore(config)->list(q));
  if (rows.empty())
    fail(makeError(ErrorCode::NotFound, "no certificate with serial " + serialText + " was issued by this CA"));
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : rows) out.push_back(toJson(r, now));
    std::cout << (rows.size() == 1 ? out[0] : out).dump(2, ' ', false, kReplaceInvalid) << "\n";
    return;
  }
  // The same serial under both CA keys (serials are unique per key): both.
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i > 0) std::cout << "\n";
    printRecord(rows[i], now);
  }
}

void registerList(CLI::App& cert) {
  auto o = std::make_shared<CertListOptions>();
  auto* cmd = cert.add_subcommand("list", "List issued SSH certificates, oldest first");
  cmd->add_option("--config", o->config, "the CA's config file (DIR/config/ca.json)")->required();
  cmd->add_option("--type", o->type, "user or host");
  cmd->add_option("--principal", o->principal, "only certificates naming this principal");
  cmd->add_option("--key-id", o->keyId, "only this key ID, e.g. \"alice (admin)\"");
  cmd->add_option("--subject", o->subject, "only this subject (who asked, e.g. an email or a host name)");
  cmd->add_option("--provisioner", o->provisioner, "only certificates issued through this provisioner");
  cmd->add_option("--key-fingerprint", o->fingerprint, "only certificates of this public key (SHA256:...)");
  cmd->add_flag("--revoked", o->revoked, "only revoked certificates");
  cmd->add_flag("--not-revoked", o->unrevoked, "only certificates not revoked");
  cmd->add_flag("--all", o->includeExpired, "expired certificates too (by default only unexpired ones)");
  cmd->add_option("--expiring-within", o->expiringWithin, "only unexpired certificates ending within D, e.g. 7d");
  cmd->add_option("--limit", o->limit, "at most N certificates");
  cmd->add_flag("--json", o->json, "a JSON array (serials as strings: they use all 64 bits)");
  cmd->footer(
      "Reads the database directly, from the CA machine: no PIN, no running server. STATE is\n"
      "valid, expired or revoked.\n"
      "Examples:\n"
      "  sshca cert list --config ca.json --principal alice\n"
      "  sshca cert list --config ca.json --type host --expiring-within 7d\n"
      "  sshca cert list --config ca.json --all --revoked --json");
  cmd->callback([o] { runList(*o); });
}

void registerShow(CLI::App& cert) {
  struct ShowOptions {
    std::string config, serial;
    bool json = false;
  };
  auto o = std::make_shared<ShowOptions>();
  auto* cmd = cert.add_subcommand("show", "Show one issued SSH certificate by serial");
  cmd->add_option("SERIAL", o->serial, "the certificate's serial (decimal)")->required();
  cmd->add_option("--config", o->config, "the CA's config file (DIR/config/ca.json)")->required();
  cmd->add_flag("--json", o->json, "as a JSON object");
  cmd->footer("Fails (status 1) for a serial this CA never issued.");
  cmd->callback([o] { runShow(o->config, o->serial, o->json); });
}

}  // namespace

void registerCertCommands(CLI::App& app) {
  auto* cert = app.add_subcommand("cert", "The inventory of issued SSH certificates: list, show");
  cert->require_subcommand(1);
  registerList(*cert);
  registerShow(*cert);
}

}  // namespace sshca::cli
