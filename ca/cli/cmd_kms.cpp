// Placeholder until the command group is written (replace this whole file).
#include "cli/commands.h"

namespace sshca::cli {
void registerKmsCommands(CLI::App&) {}
}  // namespace sshca::cli
