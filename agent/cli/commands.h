// Each command group registers its subcommands on the root app in its own
// file (cmd_<group>.cpp); main.cpp lists them, one line each.
#pragma once

#include <CLI/CLI.hpp>

namespace sshca::agent {

void registerBootstrapCommand(CLI::App& app);
void registerHostCommands(CLI::App& app);
void registerKrlCommands(CLI::App& app);
void registerConfigCommands(CLI::App& app);
// login, status, logout and `config ssh` (after registerConfigCommands).
void registerLoginCommands(CLI::App& app);

}  // namespace sshca::agent
