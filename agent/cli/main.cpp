// sshca-agent: the client on hosts and laptops (docs/agent.md).
#include "agent/cli/agent_cli.h"
#include "agent/cli/commands.h"
#include "cli_support/exit_status.h"
#include "cli_support/run_main.h"

int main(int argc, char** argv) {
  CLI::App app{"sshca-agent: joins this machine to an sshca CA: bootstrap, host certificates, KRL sync",
               "sshca-agent"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "sshca-agent 0.1.0");
  app.footer(sshca::cli::exitStatusHelp(true) + " See docs/agent.md.");
  sshca::agent::registerBootstrapCommand(app);
  sshca::agent::registerHostCommands(app);
  sshca::agent::registerKrlCommands(app);
  sshca::agent::registerConfigCommands(app);
  sshca::agent::registerLoginCommands(app);
  return sshca::cli::runMain(app, argc, argv, "sshca-agent");
}
