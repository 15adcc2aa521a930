// `sshca pki ...`: the X.509 side of the CA (root, intermediate, TLS
// certificates, CRL). Filled in below; registered from main().
#include "cli/commands.h"

namespace sshca::cli {

void registerPkiCommands(CLI::App& app) {
  auto* pki = app.add_subcommand("pki", "X.509 CA: root and intermediate on the token, TLS certificates, CRL");
  pki->require_subcommand(1);
}

}  // namespace sshca::cli
