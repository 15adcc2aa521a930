// sshca init: a complete CA in one directory (the logic is
// setup::initCa, so that tests call it without the CLI). Prints what a
// person needs next: the root fingerprint to pin, the SSH CA public keys to
// trust, and the commands that use the new CA. Never a PIN.
#include <ctime>
#include <iostream>
#include <memory>
#include <sstream>

#include "ca/cli/commands.h"
#include "ca/cli/shown_program.h"
#include "ca/service/setup/ca_init.h"
#include "ca/service/setup/init_config.h"
#include "cli_support/cli_error.h"

namespace sshca::cli {
namespace {

struct InitCommand {
  setup::InitOptions options;
  std::string dns;  // comma-separated --dns
};

std::vector<std::string> splitNames(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    size_t b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}

// The Debian package's sshca.service serves exactly this config.
std::string serveNote(const std::string& cfg) {
  return cfg == "/var/lib/sshca/config/ca.json" ? "   (or: systemctl start sshca)" : "";
}

void printSummary(const setup::InitResult& r) {
  const std::string program = shownProgram();
  const std::string& cfg = r.layout.configFile;
  const std::string& prov = r.config.provisioners.front().name;
  std::cout << "CA created in " << r.layout.dir << "\n\n"
            << "root fingerprint: " << r.rootFingerprint << "\n"
            << "  (SHA-256 of " << r.layout.rootCert << " in DER; for step ca bootstrap --fingerprint)\n\n"
            << "SSH user CA (sshd: TrustedUserCAKeys):\n  " << r.sshUserCaKey << "\n"
            << "SSH host CA (known_hosts: @cert-authority *):\n  " << r.sshHostCaKey << "\n\n"
            << "config:      " << cfg << "\n"
            << "secrets:     " << r.layout.secretsDir << " (PIN files, TLS and provisioner keys; keep private)\n"
            << "provisioner: " << prov << " (jwk)\n"
            << "provisioner: " << setup::kSshpopProvisionerName << " (sshpop: hosts renew their certificates)\n\n"
            << "next:\n"
            << "  " << program << " serve --config " << cfg << serveNote(cfg) << "\n"
            << "  " << program << " token user alice --principals alice --config " << cfg << "\n"
            << "  curl --cacert " << r.layout.rootCert << " " << r.config.url << "/health\n";
}

void run(InitCommand& c) {
  if (!c.dns.empty()) c.options.dnsNames = splitNames(c.dns);
  c.options.progress = [](std::string_view step) { std::cerr << "sshca: " << step << "\n"; };
  c.options.now = static_cast<int64_t>(std::time(nullptr));
  printSummary(orFail(setup::initCa(c.options)));
}

constexpr const char* kFooter = R"(Examples:
  sshca init --dir /var/lib/sshca
  sshca init --dir /var/lib/sshca --name "Example SSH CA" --dns ca.example.com,10.0.0.5 \
      --address 0.0.0.0:8443
  sshca init --dir /var/lib/sshca --ssh-key-type ed25519 \
      --kms 'pkcs11:module-path=/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so;token=SmartCard-HSM?pin-source=file:/etc/sshca/pin'

Without --kms, DIR gets its own SoftHSM2 token (DIR/softhsm2.conf, DIR/tokens)
with random PINs in DIR/secrets/pin and DIR/secrets/so-pin (0600). A DIR that
already holds a CA (DIR/config/ca.json) is refused. docs/configuration.md
describes the directory and every ca.json field.)";

}  // namespace

void registerInitCommands(CLI::App& app) {
  auto c = std::make_shared<InitCommand>();
  setup::InitOptions& o = c->options;
  auto* cmd = app.add_subcommand("init",
                                 "Create a complete CA in one directory: keys on the token, X.509 root and "
                                 "intermediate, TLS certificate, provisioner, database, config/ca.json");
  cmd->add_option("--dir", o.dir, "directory for the new CA (created; refused if it holds a CA)")->required();
  cmd->add_option("--name", o.name, "CA name: X.509 subjects O=NAME, CN=NAME Root CA / NAME Intermediate CA")
      ->capture_default_str();
  cmd->add_option("--dns", c->dns,
                  "names of the service for its TLS certificate, comma-separated; IP addresses "
                  "become IP SANs (default: localhost,127.0.0.1)");
  cmd->add_option("--address", o.address, "where sshca serve listens, host:port")->capture_default_str();
  cmd->add_option("--url", o.url, "the CA's URL (default: https://<first --dns name>:<port of --address>)");
  cmd->add_option("--kms", o.kms,
                  "use this token instead of an embedded SoftHSM2 one: "
                  "pkcs11:module-path=PATH;token=LABEL?pin-source=file:PATH");
  cmd->add_option("--ssh-key-type", o.sshKeyType,
                  "ssh-user-ca / ssh-host-ca: ecdsa-p256, ecdsa-p384, "
                  "rsa-2048/3072/4096 or ed25519")
      ->capture_default_str();
  cmd->add_option("--provisioner", o.provisioner, "name of the JWK provisioner `sshca token` signs with")
      ->capture_default_str();
  cmd->footer(kFooter);
  cmd->callback([c] { run(*c); });
}

}  // namespace sshca::cli
