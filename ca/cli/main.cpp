// sshca: the SSH certificate authority's command line.
#include <iostream>

#include "cli_support/cli_error.h"
#include "ca/cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"sshca: an SSH certificate authority whose keys live in an HSM (PKCS#11)", "sshca"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "sshca 0.1.0");
  sshca::cli::registerKmsCommands(app);
  sshca::cli::registerSshCommands(app);
  sshca::cli::registerPkiCommands(app);
  sshca::cli::registerHsmCommands(app);
  sshca::cli::registerInitCommands(app);
  sshca::cli::registerTokenCommands(app);
  sshca::cli::registerServeCommands(app);
  sshca::cli::registerDbCommands(app);
  sshca::cli::registerRevokeCommands(app);
  sshca::cli::registerProvisionerCommands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const sshca::cli::CliExit& e) {
    std::cerr << "sshca: " << e.error.message << "\n";
    return e.error.code == sshca::ErrorCode::InvalidArgument ? 2 : 1;
  } catch (const std::exception& e) {
    // A library's exception (nlohmann on invalid UTF-8, std::filesystem):
    // a failure with its message, not an abort and a core dump that may
    // hold a PIN or a token.
    std::cerr << "sshca: unexpected error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
