// sshca: the SSH certificate authority's command line.
#include "ca/cli/commands.h"
#include "ca/core/common/version.h"
#include "cli_support/exit_status.h"
#include "cli_support/run_main.h"

int main(int argc, char** argv) {
  CLI::App app{"sshca: an SSH certificate authority whose keys live in an HSM (PKCS#11)", "sshca"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("sshca ") + sshca::kSshcaVersion);
  sshca::cli::registerKmsCommands(app);
  sshca::cli::registerSshCommands(app);
  sshca::cli::registerPkiCommands(app);
  sshca::cli::registerHsmCommands(app);
  sshca::cli::registerInitCommands(app);
  sshca::cli::registerImportCommands(app);
  sshca::cli::registerTokenCommands(app);
  sshca::cli::registerServeCommands(app);
  sshca::cli::registerReloadCommands(app);
  sshca::cli::registerDbCommands(app);
  sshca::cli::registerRevokeCommands(app);
  sshca::cli::registerProvisionerCommands(app);
  sshca::cli::registerCertCommands(app);
  sshca::cli::registerDenyCommands(app);
  sshca::cli::registerBackupCommands(app);
  sshca::cli::addExitStatusFooters(app, "");
  return sshca::cli::runMain(app, argc, argv, "sshca");
}
