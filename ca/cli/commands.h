// Each command group registers its subcommands on the root app; the
// callbacks print results and return through CliExit on failure.
#pragma once

#include <CLI/CLI.hpp>

namespace sshca::cli {

void registerKmsCommands(CLI::App& app);
void registerSshCommands(CLI::App& app);
void registerPkiCommands(CLI::App& app);
void registerHsmCommands(CLI::App& app);
void registerInitCommands(CLI::App& app);
void registerTokenCommands(CLI::App& app);
void registerServeCommands(CLI::App& app);
void registerDbCommands(CLI::App& app);
void registerRevokeCommands(CLI::App& app);
void registerProvisionerCommands(CLI::App& app);
void registerReloadCommands(CLI::App& app);
void registerCertCommands(CLI::App& app);
void registerDenyCommands(CLI::App& app);
void registerImportCommands(CLI::App& app);
void registerBackupCommands(CLI::App& app);

}  // namespace sshca::cli
