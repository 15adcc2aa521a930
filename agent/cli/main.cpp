// sshca-agent: the client on hosts and laptops (docs/agent.md).
#include "agent/cli/agent_cli.h"
#include "agent/cli/commands.h"
#include "cli_support/run_main.h"

int main(int argc, char** argv) {
  CLI::App app{
      "sshca-agent: joins this machine to an sshca CA: bootstrap, host certificates, KRL sync, "
      "user login into ssh-agent",
      "sshca-agent"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "sshca-agent 0.1.0");
  sshca::agent::registerBootstrapCommand(app);
  sshca::agent::registerHostCommands(app);
  sshca::agent::registerKrlCommands(app);
  sshca::agent::registerConfigCommands(app);
  sshca::agent::registerLoginCommands(app);
  // Status 2 (nothing was due) is host renew's alone: its footer says so.
  sshca::cli::addExitStatusFooters(app, "See docs/agent.md.");
  return sshca::cli::runMain(app, argc, argv, "sshca-agent");
}
