// sshca revoke: revoke SSH certificates in the CA's database from the CA
// machine (no one-time token, running server or PIN needed). The next
// GET /ssh/krl of every CA instance sharing the database lists them: the
// revocation bumps the KRL version in the same transaction.
#include <stdlib.h>

#include <algorithm>
#include <ctime>
#include <iostream>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "ca/cli/commands.h"
#include "ca/cli/key_source.h"
#include "ca/core/common/utc_time.h"
#include "ca/core/ssh/ssh_pubkey.h"
#include "ca/service/config/ca_config.h"
#include "ca/service/policy/ssh_serial.h"
#include "ca/service/store/store_factory.h"
#include "cli_support/cli_error.h"

namespace sshca::cli {
namespace {

struct RevokeOptions {
  std::string config, serial, keyId, reason, ca;
};

struct CaFingerprint {
  std::string name;  // "user" / "host"
  std::string fingerprint;
};

// The store keys certificates by their CA key's fingerprint: read the
// public halves from the token (the same keys serve signs with). Public key
// objects need no login, so revoking never reads the PIN.
std::vector<CaFingerprint> caFingerprints(const config::CaConfig& ca, const std::string& only) {
  if (!ca.softhsm2Conf.empty()) setenv("SOFTHSM2_CONF", ca.softhsm2Conf.c_str(), 1);
  std::vector<std::string> names, keyUris;
  for (const auto& [name, keyUri] : {std::pair{"user", ca.ssh.userKey}, std::pair{"host", ca.ssh.hostKey}}) {
    if (!only.empty() && only != name) continue;
    names.emplace_back(name);
    keyUris.push_back(keyUri);
  }
  std::vector<PublicKey> keys = openPublicKeys(ca.kms, keyUris);
  std::vector<CaFingerprint> out;
  for (size_t i = 0; i < keys.size(); ++i) out.push_back({names[i], ssh::fingerprintSha256(keys[i])});
  return out;
}

std::string describe(const store::SshCertificateRecord& r) {
  std::string principals;
  for (const auto& p : r.principals) principals += (principals.empty() ? "" : ",") + p;
  return "serial " + std::to_string(r.serial) + " (" + r.certType + " certificate, key ID \"" + r.keyId +
         "\", principals " + principals + ")";
}

std::string revokedWhen(const store::SshCertificateRecord& r) {
  return formatUtc(r.revokedAt.value_or(0)) + (r.revocationReason.empty() ? "" : ": " + r.revocationReason);
}

// The store revokes the certificate's whole renewal chain (what it
// replaced and what replaced it): every serial is printed, so that the
// admin sees what the KRL now lists. Returns the serials revoked.
std::vector<uint64_t> revokeOne(store::SshIssuanceStore& db, const store::SshCertificateRecord& r,
                                const std::string& reason, int64_t now) {
  std::vector<uint64_t> serials =
      orFail(db.revoke(r.caFingerprint, r.serial, reason + " (revoked with sshca revoke)", now));
  std::cout << "revoked " << describe(r) << "\n";
  for (size_t i = 1; i < serials.size(); ++i) {
    auto linked = orFail(db.findBySerial(r.caFingerprint, serials[i]));
    std::cout << "revoked " << (linked ? describe(*linked) : "serial " + std::to_string(serials[i]))
              << ", of the same renewal chain\n";
  }
  return serials;
}

void revokeSerial(store::SshIssuanceStore& db, const std::vector<CaFingerprint>& cas, const std::string& text,
                  const std::string& reason, int64_t now) {
  uint64_t serial = orFail(policy::parseSshSerial(text, "--serial"));
  std::optional<store::SshCertificateRecord> found;
  for (const auto& ca : cas) {
    auto row = orFail(db.findBySerial(ca.fingerprint, serial));
    if (!row) continue;
    if (found) fail(usage("serial " + text + " was issued by both CA keys: choose one with --ca user|host"));
    found = std::move(row);
  }
  if (!found) fail(makeError(ErrorCode::NotFound, "no certificate with serial " + text + " was issued by this CA"));
  if (found->revokedAt)
    fail(makeError(ErrorCode::AlreadyExists, describe(*found) + " is already revoked (" + revokedWhen(*found) + ")"));
  revokeOne(db, *found, reason, now);
}

// Every certificate issued under the key ID (e.g. "alice (admin)"), of the
// chosen CA, that is not revoked yet.
void revokeKeyId(store::SshIssuanceStore& db, const std::vector<CaFingerprint>& cas, const std::string& keyId,
                 const std::string& reason, int64_t now) {
  auto rows = orFail(db.findByKeyId(keyId));
  size_t matching = 0, revoked = 0;
  std::set<std::pair<std::string, uint64_t>> done;  // revoked here already, as part of a chain
  for (const auto& r : rows) {
    bool ours =
        std::any_of(cas.begin(), cas.end(), [&](const CaFingerprint& c) { return c.fingerprint == r.caFingerprint; });
    if (!ours) continue;
    ++matching;
    if (done.count({r.caFingerprint, r.serial})) continue;
    if (r.revokedAt) {
      std::cout << "already revoked " << describe(r) << " (" << revokedWhen(r) << ")\n";
      continue;
    }
    for (uint64_t s : revokeOne(db, r, reason, now)) done.insert({r.caFingerprint, s});
    ++revoked;
  }
  if (matching == 0)
    fail(makeError(ErrorCode::NotFound, "no certificate with key ID \"" + keyId + "\" was issued by this CA"));
  if (revoked == 0)
    fail(makeError(ErrorCode::AlreadyExists, "every certificate with key ID \"" + keyId + "\" is already revoked"));
}

void runRevoke(const RevokeOptions& o) {
  if (o.serial.empty() == o.keyId.empty()) fail(usage("give exactly one of --serial and --key-id"));
  if (!o.ca.empty() && o.ca != "user" && o.ca != "host") fail(usage("--ca must be user or host"));
  if (o.reason.empty()) fail(usage("--reason must not be empty"));
  config::CaConfig ca = orFail(config::loadCaConfig(o.config));
  std::vector<CaFingerprint> cas = caFingerprints(ca, o.ca);
  auto db = orFail(store::openSshIssuanceStore(ca.db, 1));
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  if (!o.serial.empty())
    revokeSerial(*db, cas, o.serial, o.reason, now);
  else
    revokeKeyId(*db, cas, o.keyId, o.reason, now);
  std::cout << "KRL version is now " << orFail(db->krlVersion()) << "\n";
}

}  // namespace

void registerRevokeCommands(CLI::App& app) {
  auto o = std::make_shared<RevokeOptions>();
  auto* cmd = app.add_subcommand("revoke", "Revoke SSH certificates in the CA's database (they go into the KRL)");
  cmd->add_option("--config", o->config, "the CA's config file (DIR/config/ca.json)")->required();
  cmd->add_option("--serial", o->serial, "the serial of the certificate to revoke (decimal)");
  cmd->add_option("--key-id", o->keyId, "revoke every certificate with this key ID, e.g. \"alice (admin)\"");
  cmd->add_option("--reason", o->reason, "why, recorded with the revocation")->required();
  cmd->add_option("--ca", o->ca, "only certificates of this CA key: user or host (default: both)");
  cmd->footer(
      "Acts on the database directly, from the CA machine. The CA keys' public halves are read\n"
      "from the token without a login: no PIN is needed. A certificate is revoked with its whole\n"
      "renewal chain (the certificates it replaced and those that replaced it, by renew or rekey).\n"
      "Prints each certificate it revoked, every serial of the chain; fails\n"
      "for an unknown serial or key ID and for certificates already revoked. Every CA instance's\n"
      "next GET /ssh/krl lists them.\n"
      "Examples:\n"
      "  sshca revoke --config /var/lib/sshca/config/ca.json --serial 1234567890 --reason 'key lost'\n"
      "  sshca revoke --config ca.json --key-id 'alice (admin)' --ca user --reason 'left the company'");
  cmd->callback([o] { runRevoke(*o); });
}

}  // namespace sshca::cli
