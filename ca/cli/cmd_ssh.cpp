// sshca ssh sign: issue an OpenSSH certificate offline, like ssh-keygen -s,
// with the CA key on a token (or in a file).
#include <ctime>
#include <iostream>

#include "ca/cli/commands.h"
#include "ca/cli/key_source.h"
#include "ca/core/common/file_io.h"
#include "ca/core/common/random.h"
#include "ca/core/ssh/ssh_cert.h"
#include "ca/core/ssh/ssh_pubkey.h"
#include "ca/core/ssh/validity_spec.h"
#include "cli_support/cli_error.h"

namespace sshca::cli {
namespace {

constexpr int64_t kBackdateSeconds = 5 * 60;  // clock skew between CA and hosts
constexpr const char* kDefaultUserValidity = "+16h";
constexpr const char* kDefaultHostValidity = "+30d";

struct SignOptions {
  std::string kms, key, keyId, principals, validity, out, pubkeyPath;
  bool user = false, host = false, noExtensions = false;
  std::optional<uint64_t> serial;
  std::vector<std::string> criticalOptions, extensions;
};

std::vector<std::string> splitList(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

// "name=value" -> {name, value}; "name" -> {name, ""}.
std::pair<std::string, std::string> splitOption(const std::string& s) {
  size_t eq = s.find('=');
  if (eq == std::string::npos) return {s, ""};
  return {s.substr(0, eq), s.substr(eq + 1)};
}

// ssh-keygen's naming: id_ed25519.pub -> id_ed25519-cert.pub.
std::string defaultCertPath(const std::string& pub) {
  std::string base = pub;
  if (base.size() > 4 && base.compare(base.size() - 4, 4, ".pub") == 0) base.resize(base.size() - 4);
  return base + "-cert.pub";
}

ssh::CertTemplate buildTemplate(const SignOptions& o, const ssh::PublicKeyLine& subject) {
  ssh::CertTemplate t{.key = subject.key};
  t.type = o.host ? ssh::CertType::Host : ssh::CertType::User;
  t.keyId = o.keyId;
  t.principals = splitList(o.principals);
  std::string spec = o.validity.empty() ? (o.host ? kDefaultHostValidity : kDefaultUserValidity) : o.validity;
  auto v = orFail(ssh::parseValiditySpec(spec, static_cast<int64_t>(std::time(nullptr)), kBackdateSeconds));
  t.validAfter = v.validAfter;
  t.validBefore = v.validBefore;
  t.serial = o.serial;
  if (!o.host && !o.noExtensions) t.extensions = ssh::defaultUserExtensions();
  for (const auto& c : o.criticalOptions) {
    auto [name, value] = splitOption(c);
    if (!t.criticalOptions.emplace(name, value).second)
      fail(makeError(ErrorCode::InvalidArgument, "critical option '" + name + "' given twice"));
  }
  for (const auto& e : o.extensions) t.extensions[splitOption(e).first] = splitOption(e).second;
  return t;
}

ssh::PublicKeyLine readSubjectKey(const std::string& path) {
  std::string text = orFail(readFile(path));
  if (text.find("PRIVATE KEY-----") != std::string::npos)
    fail(makeError(ErrorCode::InvalidArgument, path + " is a private key; give the public key (.pub)"));
  auto line = ssh::parsePublicKeyLine(text);
  if (!line.ok()) fail(std::move(line).error().context(path));
  return std::move(line).value();
}

void runSign(const SignOptions& o) {
  ssh::PublicKeyLine subject = readSubjectKey(o.pubkeyPath);
  orFail(ssh::checkSubjectKey(subject.key));
  ssh::CertTemplate tmpl = buildTemplate(o, subject);
  // Refuse before touching the token: bad requests never cost a PIN entry.
  orFail(ssh::validateTemplate(tmpl));
  SignerPtr ca = openSigner(o.kms, o.key);
  ssh::Certificate cert = orFail(ssh::signCertificate(tmpl, *ca, systemRandom()));
  std::string text = ssh::formatCertificateLine(cert, subject.comment) + "\n";
  std::string out = o.out.empty() ? defaultCertPath(o.pubkeyPath) : o.out;
  if (out == "-") {
    std::cout << text;
  } else {
    orFail(writeFileAtomic(out, text, 0644));
  }
  std::cerr << "Signed " << (o.host ? "host" : "user") << " key " << (out == "-" ? "(stdout)" : out) << ": id \""
            << cert.keyId << "\" serial " << cert.serial << " valid for " << o.principals << "\n";
}

}  // namespace

void registerSshCommands(CLI::App& app) {
  auto* ssh = app.add_subcommand("ssh", "OpenSSH certificates");
  ssh->require_subcommand(1);
  auto o = std::make_shared<SignOptions>();
  auto* sign = ssh->add_subcommand("sign", "Sign a public key file into an OpenSSH certificate (like ssh-keygen -s)");
  sign->footer(
      "Examples:\n"
      "  sshca ssh sign --kms 'pkcs11:token=sshca?pin-source=file:/etc/sshca/pin' \\\n"
      "      --key pkcs11:object=ssh-user-ca --user --id alice --principals alice id_ed25519.pub\n"
      "  sshca ssh sign --kms URI --key pkcs11:object=ssh-host-ca --host --id web1 \\\n"
      "      --principals web1.example.com,web1 /etc/ssh/ssh_host_ecdsa_key.pub\n"
      "  sshca ssh sign --key file:ca_key --user --id bob --principals bob --validity -5m:+1h key.pub");
  sign->add_option("--kms", o->kms, "kms URI of the token holding the CA key (pkcs11:...)");
  sign->add_option("--key", o->key, "CA key: a PKCS#11 key URI (pkcs11:object=ssh-user-ca) or file:PATH")->required();
  auto* user = sign->add_flag("--user", o->user, "issue a user certificate");
  auto* host = sign->add_flag("--host", o->host, "issue a host certificate");
  user->excludes(host);
  sign->add_option("--id", o->keyId, "key ID recorded in the certificate (who and why)")->required();
  sign->add_option("--principals", o->principals, "comma-separated user or host names; never empty")->required();
  sign->add_option("--validity", o->validity,
                   "ssh-keygen -V syntax: +16h, -5m:+1h, 20260101:20260102 (UTC), always:forever; "
                   "default +16h (user) / +30d (host), starting 5 minutes in the past");
  sign->add_option("--serial", o->serial, "serial number (default: random, non-zero, 64-bit)");
  sign->add_option("--critical-option", o->criticalOptions,
                   "name=value: force-command=CMD, source-address=CIDR[,CIDR], verify-required (repeatable)");
  sign->add_option("--extension", o->extensions, "extension name to add, e.g. permit-pty (repeatable)");
  sign->add_flag("--no-extensions", o->noExtensions, "no default extensions on a user certificate");
  sign->add_option("--out", o->out, "output file (default PUBKEY-cert.pub; - for stdout)");
  sign->add_option("PUBKEY", o->pubkeyPath, "the public key file to certify (.pub)")->required();
  sign->callback([o] {
    if (!o->user && !o->host) fail(makeError(ErrorCode::InvalidArgument, "choose --user or --host"));
    runSign(*o);
  });
}

}  // namespace sshca::cli
