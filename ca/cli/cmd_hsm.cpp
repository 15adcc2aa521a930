// sshca hsm status | init-token | change-pin | init-pin: token administration.
// PINs come from pin-source files, environment variables or the terminal
// (echo off); never from argv, never printed.
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>

#include "ca/cli/commands.h"
#include "ca/cli/pin_prompt.h"
#include "ca/core/kms/kms_uri.h"
#include "ca/core/kms/pkcs11/token_admin.h"
#include "cli_support/cli_error.h"

namespace sshca::cli {
namespace {

constexpr const char* kKmsHelp = "the token: pkcs11:token=LABEL?module-path=PATH&pin-source=file:PATH";
constexpr const char* kSoSourceHelp = "file:PATH holding the SO PIN (else $SSHCA_SO_PIN, else asked on the terminal)";
constexpr const char* kNewSourceHelp = "file:PATH holding the new PIN (else $SSHCA_NEW_PIN, else asked twice)";

struct HsmOptions {
  std::string kms, module = kDefaultPkcs11Module, label, soPinSource, newPinSource;
  std::optional<unsigned long> slot;
  bool so = false, reinit = false;
};

// A PIN from (in order) a pin-source file, an environment variable, the terminal.
SecretBytes pinFrom(const std::string& source, const char* env, const std::string& what) {
  if (!source.empty()) {
    KmsUri u;
    u.pinSource = source;
    return orFail(resolvePin(u));
  }
  if (const char* v = std::getenv(env); v && *v) return SecretBytes(std::string_view(v));
  if (!haveTerminal()) fail(makeError(ErrorCode::NotFound, "no " + what + ": give a pin-source file or set " + env));
  return orFail(promptSecret("Enter " + what + ": "));
}

SecretBytes newPin(const HsmOptions& o, const std::string& what) {
  if (!o.newPinSource.empty() || std::getenv("SSHCA_NEW_PIN") || !haveTerminal())
    return pinFrom(o.newPinSource, "SSHCA_NEW_PIN", "new " + what);
  SecretBytes first = orFail(promptSecret("Enter new " + what + ": "));
  SecretBytes again = orFail(promptSecret("Repeat new " + what + ": "));
  if (!constantTimeEqual(first.span(), again.span()))
    fail(makeError(ErrorCode::InvalidArgument, "the two new PINs differ; nothing changed"));
  return first;
}

SecretBytes userPin(const KmsUri& uri) {
  auto pin = resolvePin(uri);
  if (pin.ok() || pin.error().code != ErrorCode::NotFound || !haveTerminal()) return orFail(std::move(pin));
  return orFail(promptSecret("Enter user PIN: "));
}

// Shows the SO-PIN state before the SO PIN is sent; a final try is spent
// only after "yes" on the terminal, never without one.
bool soCheck(const std::string& flags, bool finalTry) {
  std::cerr << "sshca: token SO PIN state: " << flags << "\n";
  if (!finalTry) return true;
  std::cerr << "sshca: the token has ONE SO PIN try left; a wrong SO PIN now may make it unusable for good.\n";
  if (!haveTerminal()) {
    std::cerr << "sshca: no terminal to confirm on; refusing.\n";
    return false;
  }
  auto yes = confirmOnTerminal("Type 'yes' to spend the final SO PIN try: ");
  return yes.ok() && *yes;
}

void status(const HsmOptions& o) {
  TokenStatus s = orFail(tokenStatus(orFail(parseKmsUri(o.kms))));
  std::cout << "label:        " << s.label << "\n"
            << "manufacturer: " << s.manufacturer << "\n"
            << "model:        " << s.model << "\n"
            << "serial:       " << s.serial << "\n"
            << "slot:         " << s.slot << "\n"
            << "user PIN:     " << s.userPin << "\n"
            << "SO PIN:       " << s.soPin << "\n"
            << "flags:        " << s.flags << "\n";
}

void initTokenCmd(const HsmOptions& o) {
  SecretBytes so = pinFrom(o.soPinSource, "SSHCA_SO_PIN", "SO PIN");
  orFail(initToken(o.module, o.slot, so, o.label, o.reinit, soCheck));
  std::cout << "initialized token '" << o.label << "'; set its user PIN with: sshca hsm init-pin --kms "
            << "'pkcs11:token=" << o.label << "?module-path=" << o.module << "'\n";
}

void changePinCmd(const HsmOptions& o) {
  KmsUri uri = orFail(parseKmsUri(o.kms));
  SecretBytes old = o.so ? pinFrom(o.soPinSource, "SSHCA_SO_PIN", "current SO PIN") : userPin(uri);
  SecretBytes fresh = newPin(o, o.so ? "SO PIN" : "user PIN");
  orFail(changePin(uri, o.so, old, fresh, soCheck));
  std::cout << (o.so ? "SO PIN" : "user PIN") << " changed\n";
}

void initPinCmd(const HsmOptions& o) {
  KmsUri uri = orFail(parseKmsUri(o.kms));
  SecretBytes so = pinFrom(o.soPinSource, "SSHCA_SO_PIN", "SO PIN");
  SecretBytes fresh = newPin(o, "user PIN");
  orFail(initUserPin(uri, so, fresh, soCheck));
  std::cout << "user PIN set (and unblocked)\n";
}

}  // namespace

void registerHsmCommands(CLI::App& app) {
  auto o = std::make_shared<HsmOptions>();
  CLI::App* hsm = app.add_subcommand("hsm", "Token administration: status, initialization, PINs");
  hsm->require_subcommand(1);

  CLI::App* s = hsm->add_subcommand("status", "Show the token's maker, model, serial and PIN state (no login)");
  s->add_option("--kms", o->kms, kKmsHelp)->required();
  s->callback([o] { status(*o); });

  CLI::App* it =
      hsm->add_subcommand("init-token",
                          "Initialize a token with an SO PIN and a label (C_InitToken). Default: the first "
                          "uninitialized token; an initialized one only with --reinit (erases all its keys)");
  it->add_option("--module", o->module, "PKCS#11 module path")->capture_default_str();
  it->add_option("--slot", o->slot, "slot id of the token (default: first uninitialized token)");
  it->add_option("--label", o->label, "label of the new token (1-32 characters)")->required();
  it->add_option("--so-pin-source", o->soPinSource,
                 std::string(kSoSourceHelp) + ". SmartCard-HSM/Pico HSM: 16 hex digits or the 8-character form");
  it->add_flag("--reinit", o->reinit, "allow re-initializing an initialized token (erases every key on it)");
  it->callback([o] { initTokenCmd(*o); });

  CLI::App* cp =
      hsm->add_subcommand("change-pin",
                          "Change the user PIN (current PIN from the kms URI's pin-source, $SSHCA_PIN or the terminal) "
                          "or, with --so, the SO PIN");
  cp->add_option("--kms", o->kms, kKmsHelp)->required();
  cp->add_flag("--so", o->so, "change the SO PIN instead of the user PIN");
  cp->add_option("--so-pin-source", o->soPinSource, kSoSourceHelp);
  cp->add_option("--new-pin-source", o->newPinSource, kNewSourceHelp);
  cp->callback([o] { changePinCmd(*o); });

  CLI::App* ip = hsm->add_subcommand(
      "init-pin", "Set a new user PIN with the SO PIN (C_InitPIN): first setup, or unblocking a locked PIN");
  ip->add_option("--kms", o->kms, kKmsHelp)->required();
  ip->add_option("--so-pin-source", o->soPinSource, kSoSourceHelp);
  ip->add_option("--new-pin-source", o->newPinSource, kNewSourceHelp);
  ip->callback([o] { initPinCmd(*o); });
}

}  // namespace sshca::cli
