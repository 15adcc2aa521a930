// The one main() body of sshca and sshca-agent: parse, run the command,
// and turn whatever ends it into a message and an exit status.
#pragma once

#include <string_view>

#include <CLI/CLI.hpp>

namespace sshca::cli {

// Parses argv with `app` (which runs the chosen command's callback) and
// returns the exit status: kExitUsage for arguments CLI11 or the command
// refused as invalid, kExitFailed for any other error (printed as
// "<program>: <message>"), the status of an ExitWith, kExitOk otherwise.
// A library's exception (nlohmann on invalid UTF-8, std::filesystem) ends
// as a failure with its message, never as an abort whose core dump could
// hold a PIN or a token.
int runMain(CLI::App& app, int argc, char** argv, std::string_view program);

// Ends the --help footer of `app` and of every subcommand under it with the
// exit statuses (exitStatusHelp(false)) and `docs`, unless the command's
// own footer lists its statuses already (sshca-agent host renew, whose
// status 2 is its own). Call after every command is registered: CLI11
// copies a parent's footer into a subcommand when it is created.
void addExitStatusFooters(CLI::App& app, std::string_view docs);

}  // namespace sshca::cli
