// sshca-agent: the client on hosts and laptops (docs/agent.md).
#include <iostream>

#include "agent/cli/agent_cli.h"
#include "agent/cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"sshca-agent: joins this machine to an sshca CA: bootstrap, host certificates, KRL sync",
               "sshca-agent"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "sshca-agent 0.1.0");
  app.footer("Exit status: 0 done, 1 failed, 2 nothing was due (host renew). See docs/agent.md.");
  sshca::agent::registerBootstrapCommand(app);
  sshca::agent::registerHostCommands(app);
  sshca::agent::registerKrlCommands(app);
  sshca::agent::registerConfigCommands(app);
  sshca::agent::registerLoginCommands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const sshca::cli::CliExit& e) {
    std::cerr << "sshca-agent: " << e.error.message << "\n";
    return sshca::agent::kExitFailed;  // 2 means "not due", never a failure
  } catch (const sshca::agent::AgentExit& e) {
    return e.status;
  } catch (const std::exception& e) {
    // A library's exception (nlohmann on invalid UTF-8, std::filesystem):
    // exit 1 with its message, not an abort and a core dump that may hold
    // a token or a client secret.
    std::cerr << "sshca-agent: unexpected error: " << e.what() << "\n";
    return sshca::agent::kExitFailed;
  }
  return 0;
}
