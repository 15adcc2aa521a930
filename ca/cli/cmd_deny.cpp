// sshca deny add | remove | list: offboarding that holds. A denied
// identity (an OIDC subject or email, a key ID, a public key's
// fingerprint) is refused at sign, renew, rekey and x509/sign by every CA instance
// sharing the database, whatever its credential still proves; `deny add
// --revoke` also revokes its unexpired certificates. Acts on the database
// directly, from the CA machine: no token, no PIN, no running server.
#include <ctime>
#include <iostream>

#include <nlohmann/json.hpp>

#include "ca/cli/commands.h"
#include "ca/cli/configured_store.h"
#include "ca/core/common/utc_time.h"
#include "ca/service/policy/identity_denial.h"
#include "cli_support/cli_error.h"

namespace sshca::cli {
namespace {

struct DenyOptions {
  std::string config, subject, email, keyId, fingerprint, reason;
  bool revoke = false, json = false;
};

// Key IDs, subjects and principals are callers' bytes, not always UTF-8:
// shown with U+FFFD rather than failing the listing.
constexpr auto kReplaceInvalid = nlohmann::json::error_handler_t::replace;

store::DenyKey keyFrom(const DenyOptions& o) {
  int given = !o.subject.empty() + !o.email.empty() + !o.keyId.empty() + !o.fingerprint.empty();
  if (given != 1) fail(usage("give exactly one of --subject, --email, --key-id and --key-fingerprint"));
  if (!o.subject.empty()) return orFail(policy::normalizedDenyKey(store::kDenySubject, o.subject));
  if (!o.email.empty()) return orFail(policy::normalizedDenyKey(store::kDenyEmail, o.email));
  if (!o.keyId.empty()) return orFail(policy::normalizedDenyKey(store::kDenyKeyId, o.keyId));
  if (o.fingerprint.rfind("SHA256:", 0) != 0) fail(usage("--key-fingerprint must be SHA256:... (ssh-keygen -l)"));
  return orFail(policy::normalizedDenyKey(store::kDenyKeyFingerprint, o.fingerprint));
}

std::string quoted(const std::string& s) { return nlohmann::json(s).dump(-1, ' ', false, kReplaceInvalid); }

std::string describe(const store::DenyKey& key) { return key.kind + " " + quoted(key.value); }

// The records a denial names. Certificates are recorded under their
// subject (for OIDC the email when there is one), so an email matches the
// subject column.
store::SshCertificateQuery certificatesOf(const store::DenyKey& key, int64_t now) {
  store::SshCertificateQuery q;
  q.revoked = false;
  q.unexpiredAt = now;
  if (key.kind == store::kDenyKeyId)
    q.keyId = key.value;
  else if (key.kind == store::kDenyKeyFingerprint)
    q.keyFingerprint = key.value;
  else
    q.subject = key.value;
  return q;
}

// After the denial has committed: nothing new can be issued while these
// are revoked. Each revocation takes the certificate's renewal chain with
// it; a certificate revoked meanwhile (by its chain, or by someone else) is
// skipped.
void revokeCertificatesOf(store::SshIssuanceStore& db, const store::DenyKey& key, const std::string& reason,
                          int64_t now) {
  auto rows = orFail(db.list(certificatesOf(key, now)));
  size_t revoked = 0;
  for (const auto& r : rows) {
    auto serials = db.revoke(r.caFingerprint, r.serial, reason + " (denied with sshca deny)", now);
    if (!serials.ok() && serials.error().code == ErrorCode::AlreadyExists) continue;
    for (uint64_t serial : orFail(std::move(serials))) {
      std::cout << "revoked serial " << serial << " (" << r.certType << " certificate, key ID " << quoted(r.keyId)
                << (serial == r.serial ? "" : ", its renewal chain") << ")\n";
      ++revoked;
    }
  }
  std::cout << revoked << " certificate" << (revoked == 1 ? "" : "s") << " revoked; KRL version is now "
            << orFail(db.krlVersion()) << "\n";
}

void runAdd(const DenyOptions& o) {
  store::DenyKey key = keyFrom(o);
  if (o.reason.empty()) fail(usage("--reason must not be empty"));
  auto db = openConfiguredStore(o.config);
  const auto now = static_cast<int64_t>(std::time(nullptr));
  orFail(db->addDenied({key, o.reason, now}));
  std::cout << "denied " << describe(key) << ": sign, renew, rekey and x509/sign are refused from now on\n";
  if (o.revoke) revokeCertificatesOf(*db, key, o.reason, now);
}

void runRemove(const DenyOptions& o) {
  store::DenyKey key = keyFrom(o);
  orFail(openConfiguredStore(o.config)->removeDenied(key));
  std::cout << "no longer denied: " << describe(key) << "\n";
}

void runList(const DenyOptions& o) {
  auto all = orFail(openConfiguredStore(o.config)->listDenied());
  if (o.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& d : all)
      out.push_back(
          {{"kind", d.key.kind}, {"value", d.key.value}, {"reason", d.reason}, {"since", formatUtc(d.addedAt)}});
    std::cout << out.dump(2, ' ', false, kReplaceInvalid) << "\n";
    return;
  }
  std::cout << "KIND\tVALUE\tSINCE\tREASON\n";
  for (const auto& d : all)
    std::cout << d.key.kind << "\t" << quoted(d.key.value) << "\t" << formatUtc(d.addedAt) << "\t" << quoted(d.reason)
              << "\n";
}

void addNameOptions(CLI::App* cmd, DenyOptions& o) {
  cmd->add_option("--config", o.config, "the CA's config file (DIR/config/ca.json)")->required();
  cmd->add_option("--subject", o.subject, "a subject: an OIDC \"sub\" or email, a host name, a token's subject");
  cmd->add_option("--email", o.email, "an email an identity provider vouches for (any case)");
  cmd->add_option("--key-id", o.keyId, "a certificate key ID, e.g. \"alice@example.com (oidc:corp)\"");
  cmd->add_option("--key-fingerprint", o.fingerprint, "a public key, SHA256:... as ssh-keygen -l prints it");
}

}  // namespace

void registerDenyCommands(CLI::App& app) {
  auto* deny = app.add_subcommand("deny", "Refuse certificates to an identity (offboarding): add, remove, list");
  deny->require_subcommand(1);
  auto o = std::make_shared<DenyOptions>();

  auto* add = deny->add_subcommand("add", "Deny an identity: sign, renew, rekey and x509/sign are refused (403)");
  addNameOptions(add, *o);
  add->add_option("--reason", o->reason, "why, recorded and told to the refused caller")->required();
  add->add_flag("--revoke", o->revoke, "also revoke its unexpired certificates (they go into the KRL)");
  add->footer(
      "Every CA instance sharing the database refuses the identity from the next request on,\n"
      "whatever its identity provider or token still says. Without --revoke its certificates\n"
      "stay valid until they expire.\n"
      "Examples:\n"
      "  sshca deny add --config ca.json --email alice@example.com --reason 'left' --revoke\n"
      "  sshca deny add --config ca.json --key-fingerprint SHA256:... --reason 'laptop stolen' --revoke");
  add->callback([o] { runAdd(*o); });

  auto* remove = deny->add_subcommand("remove", "Lift a denial");
  addNameOptions(remove, *o);
  remove->footer("Fails (status 1) if the identity is not denied.");
  remove->callback([o] { runRemove(*o); });

  auto* list = deny->add_subcommand("list", "List the denied identities, oldest first");
  list->add_option("--config", o->config, "the CA's config file (DIR/config/ca.json)")->required();
  list->add_flag("--json", o->json, "a JSON array");
  list->callback([o] { runList(*o); });
}

}  // namespace sshca::cli
