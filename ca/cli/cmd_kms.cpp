// sshca kms create | list | pubkey: keys on the HSM.
#include <algorithm>
#include <iomanip>
#include <iostream>
#include <memory>

#include "ca/cli/commands.h"
#include "ca/cli/key_source.h"
#include "ca/core/kms/kms_uri.h"
#include "ca/core/ssh/ssh_pubkey.h"
#include "cli_support/cli_error.h"

namespace sshca::cli {
namespace {

constexpr const char* kKmsHelp =
    "the token: pkcs11:token=LABEL?module-path=PATH&pin-source=file:PATH "
    "(PIN from pin-source, else $SSHCA_PIN)";
constexpr const char* kKeyHelp = "the key: pkcs11:object=LABEL (and/or id=%01%02)";

struct KmsOptions {
  std::string kms, key, type;
};

// The comment of a key's public line: its label, else its URI.
std::string commentFor(const KeyRef& ref) { return ref.label.empty() ? ref.toUri() : ref.label; }

void create(const KmsOptions& o) {
  KeySpec spec = orFail(parseKeySpec(o.type));
  KeyRef ref = orFail(parseKeyUri(o.key));
  if (ref.label.empty()) fail(makeError(ErrorCode::InvalidArgument, "--key needs object=LABEL for a new key"));
  PublicKey pk = orFail(openKeyManager(o.kms)->createKey(ref, spec));
  std::cout << ssh::formatPublicKeyLine(pk, commentFor(ref)) << "\n";
}

void list(const KmsOptions& o) {
  std::vector<KeyInfo> keys = orFail(openKeyManager(o.kms)->listKeys());
  std::sort(keys.begin(), keys.end(), [](const KeyInfo& a, const KeyInfo& b) { return a.label < b.label; });
  size_t wLabel = 5, wId = 2, wType = 4;
  for (const auto& k : keys) {
    wLabel = std::max(wLabel, k.label.size());
    wId = std::max(wId, toHex(k.id).size());
    wType = std::max(wType, keySpecName(k.publicKey.spec()).size());
  }
  auto row = [&](const std::string& a, const std::string& b, const std::string& c, const std::string& d) {
    std::cout << std::left << std::setw(int(wLabel)) << a << "  " << std::setw(int(wId)) << b << "  "
              << std::setw(int(wType)) << c << "  " << d << "\n";
  };
  row("LABEL", "ID", "TYPE", "FINGERPRINT");
  for (const auto& k : keys)
    row(k.label, toHex(k.id), keySpecName(k.publicKey.spec()), ssh::fingerprintSha256(k.publicKey));
}

void pubkey(const KmsOptions& o) {
  KeyRef ref = orFail(parseKeyUri(o.key));
  PublicKey pk = orFail(openKeyManager(o.kms)->publicKey(ref));
  std::cout << ssh::formatPublicKeyLine(pk, commentFor(ref)) << "\n";
}

}  // namespace

void registerKmsCommands(CLI::App& app) {
  auto o = std::make_shared<KmsOptions>();
  CLI::App* kms = app.add_subcommand("kms", "Keys on the HSM: create, list, show public keys");
  kms->require_subcommand(1);

  CLI::App* c =
      kms->add_subcommand("create",
                          "Generate a key pair on the token (private key sensitive, never extractable) and print its "
                          "OpenSSH public key line; refuses a label that exists");
  c->add_option("--kms", o->kms, kKmsHelp)->required();
  c->add_option("--key", o->key, kKeyHelp)->required();
  c->add_option("--type", o->type, "ecdsa-p256, ecdsa-p384, rsa-2048, rsa-3072, rsa-4096 or ed25519")->required();
  c->callback([o] { create(*o); });

  CLI::App* l =
      kms->add_subcommand("list", "List the key pairs on the token: label, id (hex), type, SHA256 fingerprint");
  l->add_option("--kms", o->kms, kKmsHelp)->required();
  l->callback([o] { list(*o); });

  CLI::App* p = kms->add_subcommand("pubkey", "Print the OpenSSH public key line of a key on the token");
  p->add_option("--kms", o->kms, kKmsHelp)->required();
  p->add_option("--key", o->key, kKeyHelp)->required();
  p->callback([o] { pubkey(*o); });
}

}  // namespace sshca::cli
