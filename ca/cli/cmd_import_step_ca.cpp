// sshca import-step-ca: a step-ca configuration becomes an sshca CA in a new
// directory (the reading is setup::readStepCaConfig, the making
// setup::importStepCa, so that tests call them without the CLI). Prints
// what each step-ca setting became and, one by one, what has no
// equivalent here, then what a person needs next. Never a PIN or password.
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <memory>

#include "ca/cli/commands.h"
#include "ca/cli/key_password.h"
#include "ca/cli/shown_program.h"
#include "ca/core/common/file_io.h"
#include "ca/service/setup/step_ca_config.h"
#include "ca/service/setup/step_ca_import.h"
#include "cli_support/cli_error.h"

namespace sshca::cli {
namespace {

namespace fs = std::filesystem;

struct ImportCommand {
  setup::StepImportOptions options;
  std::string stepConfig, stepPath, passwordFile;
};

// $STEPPATH as step-ca resolves relative paths: --step-path, $STEPPATH,
// or the parent of the directory holding ca.json ($STEPPATH/config/ca.json).
std::string stepPathFor(const ImportCommand& c) {
  if (!c.stepPath.empty()) return fs::absolute(c.stepPath).lexically_normal().string();
  if (const char* env = std::getenv("STEPPATH"); env && *env) return fs::absolute(env).lexically_normal().string();
  return fs::absolute(c.stepConfig).lexically_normal().parent_path().parent_path().string();
}

void printList(const char* title, const std::vector<std::string>& lines) {
  std::cout << title << "\n";
  if (lines.empty()) std::cout << "  (nothing)\n";
  for (const auto& l : lines) std::cout << "  - " << l << "\n";
}

void printSummary(const setup::StepImportResult& r, const setup::StepCaConfig& step) {
  const std::string program = shownProgram();
  const std::string& cfg = r.layout.configFile;
  std::cout << "step-ca imported into " << r.layout.dir << "\n\n";
  printList("mapped:", step.mapped);
  std::cout << "\n";
  printList("not imported (no equivalent in sshca):", step.unmapped);
  std::cout << "\nroot fingerprint: " << r.rootFingerprint << " (step-ca's root: clients keep their pin)\n"
            << "SSH user CA (sshd: TrustedUserCAKeys):\n  " << r.sshUserCaKey << "\n"
            << "SSH host CA (known_hosts: @cert-authority *):\n  " << r.sshHostCaKey << "\n\n"
            << "config:  " << cfg << "\n"
            << "secrets: " << r.layout.secretsDir << " (PIN files, the TLS key; keep private)\n\n"
            << "next (stop step-ca first: sshca serves its address " << r.config.address << "):\n"
            << "  " << program << " serve --config " << cfg << "\n"
            << "  step ca bootstrap --ca-url " << r.config.url << " --fingerprint " << r.rootFingerprint << "\n"
            << "docs/from-step-ca.md walks through the switch.\n";
}

void run(ImportCommand& c) {
  std::string text = orFail(readFile(c.stepConfig));
  setup::StepCaConfig step = orFail(setup::readStepCaConfig(text, stepPathFor(c)));
  c.options.password = keyPasswordSource(c.passwordFile);
  c.options.progress = [](std::string_view what) { std::cerr << "sshca: " << what << "\n"; };
  c.options.now = static_cast<int64_t>(std::time(nullptr));
  printSummary(orFail(setup::importStepCa(step, c.options)), step);
}

constexpr const char* kFooter = R"(Examples:
  sshca import-step-ca --step-config ~/.step/config/ca.json --dir /var/lib/sshca
  sshca import-step-ca --step-config /etc/step-ca/config/ca.json --dir /var/lib/sshca \
      --password-file /root/step-password --name "Example SSH CA"

step's key files (SSH user and host CA keys, the intermediate's key) are
decrypted in memory and put onto the token: DIR's own SoftHSM2 token, or the
token of --kms; they are never written to disk. Keys step-ca already keeps on
a PKCS#11 token (kms type pkcs11) stay there, named by their URIs. The
password comes from step's ca.json "password", $SSHCA_KEY_PASSWORD,
--password-file, or the terminal. The root and intermediate certificates are
copied: the root fingerprint does not change. DIR must be new or empty.
What has no equivalent in sshca is listed, one line each. The CA is ready for
`sshca serve`; docs/from-step-ca.md walks a step-ca admin through the switch.)";

}  // namespace

void registerImportCommands(CLI::App& app) {
  auto c = std::make_shared<ImportCommand>();
  setup::StepImportOptions& o = c->options;
  auto* cmd = app.add_subcommand("import-step-ca",
                                 "Make an sshca CA from a step-ca configuration: its SSH and X.509 CA keys "
                                 "(onto the token), root and intermediate, provisioners, address and names");
  cmd->add_option("--step-config", c->stepConfig, "step-ca's ca.json ($STEPPATH/config/ca.json)")->required();
  cmd->add_option("--dir", o.dir, "directory for the new CA (created; refused unless new or empty)")->required();
  cmd->add_option("--step-path", c->stepPath,
                  "resolves relative paths in step's ca.json (default: $STEPPATH, else the parent of "
                  "the directory holding it)");
  cmd->add_option("--password-file", c->passwordFile,
                  "file holding the password of step's key files, unless step's ca.json has a \"password\" "
                  "or $SSHCA_KEY_PASSWORD is set (else asked when a file is encrypted)");
  cmd->add_option("--kms", o.kms,
                  "put step's key files on this token instead of a new SoftHSM2 one in DIR: "
                  "pkcs11:module-path=PATH;token=LABEL?pin-source=file:PATH");
  cmd->add_option("--name", o.name, "the CA's name in ca.json (SSH CA key comments)")->capture_default_str();
  cmd->footer(kFooter);
  cmd->callback([c] { run(*c); });
}

}  // namespace sshca::cli
